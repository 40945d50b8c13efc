"""Pure classification of ClinicalTrials.gov records: EV studies, disease areas, countries.

Records: whatever the raw store holds from the ``ctgov`` source. Offline that is the
mirror's partial record sets (the classic CSV export of 1,389 MSC studies to 2022-09,
with its EV/secretome studies; 19 recent EV studies of the nervous system flattened from
API v2). They are NOT a complete set of EV studies: MSC-unrelated EV studies (dendritic
cell or tumour exosomes, plant exosomes) and most diagnostic EV studies are missing. The
registry's own counts of 2026-02-15 (``SNAPSHOT_*`` references below) are cited beside
them. A live walk (``exo-industry fetch ctgov --term exosome ...``) replaces both.

Identification rules (applied in :func:`classify`, in this order)
-----------------------------------------------------------------
An *EV term* is one of the families in ``TERM_FAMILIES`` (exosome/exosomes/exosomal;
extracellular vesicle(s); microvesicle(s); secretome; conditioned medium/media) found
anywhere in the record's text (titles, summary, conditions, keywords, interventions,
outcome measures). "EVs" alone is too ambiguous to count, but "<cell>-derived EVs" and the
product name ExoFlo (described as bone-marrow MSC EVs in Direct Biologics' own records)
belong to the extracellular-vesicle family. A record without an EV term is ``none``.

Following the CellTrials.org definitions (Couto & Verter, "How to identify exosome
clinical trials", ``CELLTRIALS_DEFINITION``), a *therapeutic EV product* is EVs or
conditioned medium / secretome released from cells and given to people. EVs from plasma,
serum or whole blood and platelet-rich plasma (PRP) or platelet lysate are not a
therapeutic EV product (rule X below). We differ from CellTrials in two places: EVs
purified from platelets as a manufactured product (e.g. ExoPharm's Plexaris) count as
therapeutic, because platelets are cells' fragments and the product is purified (CellTrials
excludes "blood EV" from plasma; it does not name platelet EVs); and we read only what
the registry record says, without reviewing publications or other registries.

- X (exclusion): an EV mention whose source is plasma, serum, blood, PRP or platelet
  lysate (``EXCLUDED_SOURCE``) is never evidence of a therapeutic product; a study that
  assigns such an intervention (and no other EV product) is ``mention`` with rule X;
- T1: the study assigns treatment (study type INTERVENTIONAL or EXPANDED_ACCESS, or the
  type is not given but a phase other than NA is) and an intervention's name or
  description holds an EV term, the intervention is not a diagnostic test and its text
  names no measurement (``MEASURE_CUES``) or ex-vivo use -> ``therapeutic``;
- T2: same study types, the title holds an EV term and no measurement cue -> ``therapeutic``;
- T3: same study types, a sentence of the summary holds an EV term, an
  administration cue (``ADMIN_CUES``: administered, injected, infusion, inhaled,
  treatment...) and no measurement cue -> ``therapeutic``;
- E: otherwise, the title or an EV intervention names ex-vivo use (in vitro, explants, a
  whole-blood assay) -> ``mention`` (EVs applied to samples, not to people);
- D: otherwise, a sentence (or the title) holds an EV term and a measurement cue
  (biomarker, diagnosis, detection, levels, profiling, circulating, plasma/urinary EVs,
  exosomal RNA/protein, proteomics...) -> ``diagnostic`` (a study that measures EVs);
- M: otherwise -> ``mention`` (EVs named, e.g. in an outcome or background, but neither
  given nor measured as the study's object).
Observational studies can therefore never be therapeutic, even when their participants
received an EV product outside the study (NCT07521384 is such a case).

Disease area (``areas``; a study can be in several)
---------------------------------------------------
From the MeSH browse branches of ``derivedSection.conditionBrowseModule`` when the record
has them (``BRANCH_AREA``; "Heart and Blood Diseases" gives cardiovascular, so a stroke
study is cardiovascular and nervous system, as in MeSH). Without branches (classic exports,
flattened files), or when the branches give no area, from the condition words by the
mapping ``CONDITION_AREA`` (regular expressions, checked in order, all that match count).
No match -> ``other``. Figure 1 counts a study once in **every** area it belongs to, so
the bars add up to more than the number of studies; ``trials_by_area`` gives both the
per-area counts and the number of distinct studies.

Country
-------
Site countries are the record's location countries (API v2: each location's ``country``;
classic exports: the last part of each "|"-separated location, a country name that holds a
comma, such as "Korea, Republic of", kept whole: ``ctgov.location_country``). The sponsor's
country is not a field of the registry; it is inferred from the lead sponsor's name by place and institution
words (``SPONSOR_CHINA`` / ``SPONSOR_US``), else unknown. A study is "China" when China is
a site country or the sponsor's inferred country, "US" likewise for the United States
("China and US" when both), "other" when it has other countries only, "unknown" when it
has none (the flattened CNS file has no countries). Hong Kong and Taiwan are listed by the
registry as their own locations and are not counted as China.

No I/O and no prose here: the words for areas, kinds and countries are in ``text/<lang>.yaml``.
"""

from __future__ import annotations

import re

from ...sources import ctgov
from .paper import TABLE1

# --------------------------------------------------------------------------- vocabularies
TERM_FAMILIES = {
    "exosome": r"\bexosom(?:e|es|al)\b",
    # "EVs" alone is too ambiguous (enterovirus, ...); only "<cell>-derived EVs" and ExoFlo (Direct Biologics'
    # BM-MSC EV product, so described in its own registry records) count.
    "extracellular vesicle": r"\bextracellular[\s-]+vesicles?\b"
    r"|(?:derived|\bMSCs?|cells?)[\s-]+s?EVs?\b|\bExoFlo\b",
    "microvesicle": r"\bmicro-?vesicles?\b",
    "secretome": r"\bsecretomes?\b",
    "conditioned medium": r"\bconditioned[\s-]+medi(?:um|a)\b",
}
# Spellings accepted as search terms, and the family each belongs to.
SEARCH_TERMS = {
    "exosome": "exosome",
    "exosomes": "exosome",
    "exosomal": "exosome",
    "extracellular vesicle": "extracellular vesicle",
    "extracellular vesicles": "extracellular vesicle",
    "microvesicle": "microvesicle",
    "microvesicles": "microvesicle",
    "secretome": "secretome",
    "conditioned medium": "conditioned medium",
    "conditioned media": "conditioned medium",
}
DEFAULT_TERMS = ("exosome", "exosomes", "extracellular vesicle", "extracellular vesicles")
# the study types a default run keeps (records without a type are kept when they give a phase)
DEFAULT_STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
_EV = re.compile("|".join(f"(?:{p})" for p in TERM_FAMILIES.values()), re.I)
EXCLUDED_SOURCE = re.compile(
    r"platelet[\s-]+rich[\s-]+plasma|\bPRP\b|platelet[\s-]+lysate"
    r"|\b(?:plasma|serum|whole[\s-]+blood|blood)[\s-]+derived\s+(?:small\s+)?(?:extracellular|exosom|micro-?vesic|evs?\b)"
    r"|(?:vesicles?|exosomes?|\bevs?)\s+(?:derived\s+|isolated\s+|obtained\s+)?from\s+(?:the\s+)?(?:patients?'?s?\s+|autologous\s+)?(?:plasma|serum|blood)\b",
    re.I,
)
MEASURE_CUES = re.compile(
    r"biomarker|\bmarkers?\b|diagnos|detect|prognos|predict|screening|measur|\blevels?\b|profil|express|quantif"
    r"|circulating|liquid\s+biopsy|proteom|transcriptom|metabolom|sequencing|rna-seq|analy[sz]|cargo|biogenesis"
    r"|(?:plasma|serum|urinary|urine|salivary|saliva|blood|csf|cerebrospinal)\W+(?:\w+\W+)?(?:exosom|extracellular|micro-?vesic|evs?\b)"
    r"|exosomal\s+(?:rna|mirna|micro-?rna|protein|dna|lncrna|pd-l1)|\bmirna|micro-?rna|\bproteins?\b|heterogeneity",
    re.I,
)
EX_VIVO = re.compile(r"in\s+vitro|ex\s+vivo|explants?\b|whole\s+blood\s+assay", re.I)
ADMIN_CUES = re.compile(
    r"administ|inject|infus|inhal|nebuli[sz]|intranasal|intrathecal|intravenous|intra-articular|topical|eye\s*drop"
    r"|ointment|\btreat|therap|transplant|\bdos(?:e|es|ing)\b|\bgiven\b|deliver|implant|applied\s+to|application\s+of",
    re.I,
)
TREATING_TYPES = ("INTERVENTIONAL", "EXPANDED_ACCESS")
KINDS = ("therapeutic", "diagnostic", "mention", "none")

BRANCH_AREA = {
    "Neoplasms": "oncology",
    "Respiratory Tract (Lung and Bronchial) Diseases": "respiratory",
    "Heart and Blood Diseases": "cardiovascular",
    "Nervous System Diseases": "nervous system",
    "Infections": "infections",
    "Musculoskeletal Diseases": "musculoskeletal",
    "Skin and Connective Tissue Diseases": "skin and wounds",
    "Wounds and Injuries": "skin and wounds",
    "Digestive System Diseases": "digestive",
    "Nutritional and Metabolic Diseases": "metabolic and endocrine",
    "Gland and Hormone Related Diseases": "metabolic and endocrine",
    "Immune System Diseases": "immune and inflammatory",
    "Eye Diseases": "eye",
    "Urinary Tract, Sexual Organs, and Pregnancy Conditions": "urogenital and pregnancy",
    "Behaviors and Mental Disorders": "mental health",
    "Substance Related Disorders": "mental health",
    "Mouth and Tooth Diseases": "mouth and teeth",
    "Ear, Nose, and Throat Diseases": "ear, nose and throat",
    "Blood and Lymph Conditions": "blood and lymph",
    "Diseases and Abnormalities at or Before Birth": "congenital",
    # "Symptoms and General Pathology", "All Conditions", "Rare Diseases": no area
}
CONDITION_AREA = [
    (
        "oncology",
        r"cancer|carcinom|tumou?r|neoplas|malignan|leuka?emi|lymphoma|myeloma|melanoma|sarcoma|gliom|glioblastom|metasta|meningiom|blastoma",
    ),
    (
        "respiratory",
        r"\bARDS\b|respirat|\blung|pulmonar|pneumon|asthma|\bCOPD\b|bronch|covid|sars-cov|coronavirus",
    ),
    (
        "cardiovascular",
        r"heart|cardi|myocard|coronar|vascular|hypertens|atrial|stroke|aneurysm|moyamoya|isch(?:a)?emi|arter|thromb|endotheli",
    ),
    (
        "nervous system",
        r"brain|neur|alzheimer|parkinson|dementia|stroke|cerebr|spinal\s+cord|syringomyel|sclerosis|\bALS\b|epilep|nerve|moyamoya|cognitiv|subarachnoid|intracranial|palsy",
    ),
    (
        "infections",
        r"covid|sars-cov|coronavirus|infect|sepsis|septic|virus|viral|bacteri|hepatitis|tubercul|\bHIV\b",
    ),
    (
        "musculoskeletal",
        r"osteoarth|arthritis|\bbone|cartilag|osteo|fractur|menisc|tendon|ligament|muscle|\bspine|disc\s+degenerat|rotator",
    ),
    (
        "skin and wounds",
        r"\bskin|wound|burn|keloid|(?<!ulcerative )\bulcer\b|dermat|epidermolysis|alopecia|\bhair|psoria"
        r"|\bscar|donor\s+site",
    ),
    (
        "digestive",
        r"crohn|colitis|bowel|\bliver|hepat|cirrho|gastr|pancrea|intestin|fistula|esophag|oesophag",
    ),
    ("metabolic and endocrine", r"diabet|obes|metabolic|thyroid|gaucher|lysosomal|polycystic\s+ovar"),
    ("immune and inflammatory", r"graft|gvhd|reject|lupus|rheumatoid|autoimmun|inflamm|sj[oö]gren|immun"),
    ("eye", r"\beye|retin|macular|ocular|cornea|glaucom|vision|optic|keratocon"),
    (
        "urogenital and pregnancy",
        r"kidney|renal|urinar|bladder|prostat|infertil|ovar|pregnan|eclampsia|erectile|uter|endometri",
    ),
    ("mental health", r"depress|anxiety|schizo|autism|psychi|bipolar"),
]
_CONDITION_AREA = [(a, re.compile(p, re.I)) for a, p in CONDITION_AREA]
AREAS = [
    "oncology",
    "respiratory",
    "cardiovascular",
    "nervous system",
    "infections",
    "musculoskeletal",
    "skin and wounds",
    "digestive",
    "metabolic and endocrine",
    "immune and inflammatory",
    "eye",
    "urogenital and pregnancy",
    "mental health",
    "mouth and teeth",
    "ear, nose and throat",
    "blood and lymph",
    "congenital",
    "other",
]

SPONSOR_CHINA = re.compile(
    r"\bChina\b|Chinese|Beijing|Peking|Shanghai|Guangzhou|Guangdong|Shenzhen|Tianjin|Wuhan|Hangzhou|Zhejiang|Jiangsu|"
    r"Nanjing|Suzhou|Soochow|Sichuan|Chengdu|Chongqing|Fujian|Fuzhou|Xiamen|Shandong|Qingdao|Jinan|Hunan|Changsha|"
    r"Xiangya|Hubei|Tongji|Henan|Zhengzhou|Hebei|Shanxi|Shaanxi|Xi'an|Xijing|Anhui|Jilin|Harbin|Heilongjiang|Liaoning|"
    r"Shenyang|Dalian|Yunnan|Kunming|Guangxi|Guizhou|Jiangxi|Nanchang|Xinjiang|Sun Yat-sen|Fudan|Tsinghua|"
    r"Ruijin|Huashan|PLA General|Jiao Tong|Zhongshan Ophthalmic",
    re.I,
)
SPONSOR_US = re.compile(
    r"United States|\bUSA\b|M\.\s?D\.\s?Anderson|Mayo Clinic|National Institutes of Health|\bNIH\b|"
    r"National Cancer Institute|"
    r"University of (?:California|Texas|Illinois|Michigan|Pennsylvania|Pittsburgh|Washington|Florida|Miami|"
    r"Colorado|Minnesota|Wisconsin|Utah|Iowa|Kansas|Virginia|Maryland|Alabama|Chicago|Southern California)|"
    r"Harvard|Stanford|Johns Hopkins|Massachusetts General|Duke University|Emory|Vanderbilt|Yale|"
    r"Columbia University|Cleveland Clinic|Memorial Sloan|Dana-Farber|Northwestern University|Baylor|"
    r"Cedars-Sinai|Mount Sinai",
    re.I,
)

PHASE_ORDER = {"EARLY_PHASE1": 1, "PHASE1": 2, "PHASE2": 3, "PHASE3": 4, "PHASE4": 5, "NA": 0}
PHASE_LABEL = {
    "EARLY_PHASE1": "early phase 1",
    "PHASE1": "phase 1",
    "PHASE2": "phase 2",
    "PHASE3": "phase 3",
    "PHASE4": "phase 4",
    "NA": "not applicable",
}

# ---- verdict thresholds (see claims.py for the rules that use them)
# trials.oncology_most with partial records: the cited EV + cancer count decides only when it is more than
# this share of all EV studies (no other area could then be larger)
CITED_SHARE_DECIDES = 0.5
# trials.china_preclinical (plain reading): this many therapeutic exosome/EV studies in China with an
# industry lead sponsor, first posted by the end of the paper's year (PAPER_YEAR), contradict it
CHINA_INDUSTRY_CONTRADICT = 1
# the EV term families that name vesicles (conditioned medium and secretome are counted apart)
VESICLE_TERMS = ("exosome", "extracellular vesicle", "microvesicle")
# trials.table1 with partial records: decided only when more than this share of the products is found
TABLE1_FOUND_DECIDES = 0.5

# the country groups, in the order of the figure's country panel
COUNTRY_GROUPS = ("China", "US", "China and US", "other", "unknown")
# the registry's phase labels, in the order of the figure's phase panel
PHASE_LABEL_ORDER = (
    "early phase 1",
    "phase 1",
    "phase 1/phase 2",
    "phase 2",
    "phase 2/phase 3",
    "phase 3",
    "phase 4",
    "not applicable",
    "not given",
)
# Table 1 row statuses (see ``row_status``)
TABLE1_STATUSES = ("not in records", "listed only", "agrees", "registry shows more", "differs")
# the two rows of Table 1 whose phase cells the paper's text implies are shifted by a row
SHIFTED_ROWS = frozenset({"ExoPharm", "Direct Biologics"})


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?。;])\s+|\n+|\s\|\s", text or "") if s.strip()]


def ev_families(text: str) -> list[str]:
    return [fam for fam, pat in TERM_FAMILIES.items() if re.search(pat, text or "", re.I)]


def _treats(s: ctgov.Study) -> bool:
    if s.study_type in TREATING_TYPES:
        return True
    return s.study_type == "" and any(p != "NA" for p in s.phases)


def _ev_clean(text: str) -> bool:
    """Holds an EV term that is not plasma/blood/PRP-derived."""
    return bool(_EV.search(text or "")) and not EXCLUDED_SOURCE.search(text or "")


def classify(s: ctgov.Study) -> tuple[str, str]:
    """(kind, rule) for one study, by the rules of the module docstring."""
    if not _EV.search(s.text()):
        return "none", "no EV term"
    if _treats(s):
        for i in s.interventions:
            t = f"{i.name} {i.description}"
            if (
                i.type != "DIAGNOSTIC_TEST"
                and _ev_clean(t)
                and not MEASURE_CUES.search(t)
                and not EX_VIVO.search(t)
            ):
                return "therapeutic", "T1 intervention names an EV product"
        if _ev_clean(s.title) and not MEASURE_CUES.search(s.title) and not EX_VIVO.search(s.title):
            return "therapeutic", "T2 title names an EV product"
        for sent in _sentences(s.summary):
            if (
                _ev_clean(sent)
                and ADMIN_CUES.search(sent)
                and not MEASURE_CUES.search(sent)
                and not EX_VIVO.search(sent)
            ):
                return "therapeutic", "T3 summary: EV product administered"
        for i in s.interventions:
            t = f"{i.name} {i.description}"
            if _EV.search(t) and EXCLUDED_SOURCE.search(t):
                return "mention", "X plasma/blood/PRP EVs (not a therapeutic EV product)"
    ev_sents = [
        x
        for x in [s.title, s.official_title]
        + _sentences(s.summary)
        + _sentences(s.outcomes)
        + [f"{i.name} {i.description}" for i in s.interventions]
        if x and _EV.search(x)
    ]
    if EX_VIVO.search(s.title) or any(
        EX_VIVO.search(f"{i.name} {i.description}")
        for i in s.interventions
        if _EV.search(f"{i.name} {i.description}")
    ):
        return "mention", "E EVs used ex vivo only"
    if any(MEASURE_CUES.search(x) for x in ev_sents):
        return "diagnostic", "D EVs measured"
    if any(EXCLUDED_SOURCE.search(x) for x in _sentences(s.text()) if _EV.search(x)):
        return "mention", "X plasma/blood/PRP EVs (not a therapeutic EV product)"
    return "mention", "M EVs mentioned only"


def disease_areas(s: ctgov.Study) -> tuple[list[str], str]:
    """(areas, basis): from MeSH browse branches, else from condition words."""
    areas = []
    for b in s.browse_branches:
        a = BRANCH_AREA.get(b)
        if a and a not in areas:
            areas.append(a)
    if areas:
        return sorted(areas, key=AREAS.index), "MeSH branches"
    text = " ; ".join(s.conditions) or s.title
    for a, pat in _CONDITION_AREA:
        if pat.search(text) and a not in areas:
            areas.append(a)
    if areas:
        return sorted(areas, key=AREAS.index), "condition words"
    return ["other"], "no match"


def sponsor_country(name: str) -> str:
    if SPONSOR_CHINA.search(name or ""):
        return "China"
    if SPONSOR_US.search(name or ""):
        return "United States"
    return ""


def country_group(sites: tuple[str, ...], sponsor: str) -> str:
    china = "China" in sites or sponsor == "China"
    us = "United States" in sites or sponsor == "United States"
    if china and us:
        return "China and US"
    if china:
        return "China"
    if us:
        return "US"
    return "other" if (sites or sponsor) else "unknown"


def top_phase(phases) -> str:
    phases = [p for p in phases if p in PHASE_ORDER]
    if not phases:
        return ""
    return max(phases, key=PHASE_ORDER.get)


def phase_label(phases) -> str:
    return (
        "/".join(PHASE_LABEL.get(p, p) for p in sorted(phases, key=lambda p: PHASE_ORDER.get(p, 9)))
        or "not given"
    )


def row_status(paper: set, registry: set, listed: bool = False) -> str:
    """A Table 1 row: the paper's phases beside the registry's.

    ``listed``: the product is found in a list that gives no phases (the EV atlas's dosed trials)."""
    if not registry:
        return "listed only" if listed else "not in records"
    if paper == registry:
        return "agrees"
    if paper <= registry:
        return "registry shows more"
    return "differs"


def phase_order(labels) -> list[str]:
    """Phase labels in the registry's order (unknown combinations last, alphabetically)."""
    known = {p: i for i, p in enumerate(PHASE_LABEL_ORDER)}
    return sorted(set(labels), key=lambda p: (known.get(p, len(known)), p))


def kinds_for(include_diagnostic: bool) -> list[str]:
    return ["therapeutic", "diagnostic"] if include_diagnostic else ["therapeutic"]


def is_ev_query(text: str) -> bool:
    """Does a search text ask for EV studies (an EV term in it)?"""
    return bool(_EV.search(text or ""))


def product(company: str):
    """The Table 1 product of ``company`` (None if the paper does not list it)."""
    return next((p for p in TABLE1 if p.company == company), None)
