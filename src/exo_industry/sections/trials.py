"""Sections 2.1.3 and 3.1 of the paper: exosome clinical studies on ClinicalTrials.gov.

Paper: Figure 1 (exosome trials by disease area; "oncology trials are the most
numerous"), section 3.1 ("China's exosome R&D is all preclinical") and Table 1 (six
products in clinical stage, with indications and phases).

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
Site countries are the record's location countries. The sponsor's country is not a field
of the registry; it is inferred from the lead sponsor's name by place and institution
words (``SPONSOR_CHINA`` / ``SPONSOR_US``), else unknown. A study is "China" when China is
a site country or the sponsor's inferred country, "US" likewise for the United States
("China and US" when both), "other" when it has other countries only, "unknown" when it
has none (the flattened CNS file has no countries). Hong Kong and Taiwan are listed by the
registry as their own locations and are not counted as China.

Claims and verdict rules
------------------------
- ``trials.oncology_most``: with a complete record set (a live API walk for an EV query
  is in the store) -> reproduced if oncology has the most EV studies (therapeutic and
  diagnostic together), reproduced with caveat if it leads only with diagnostic studies
  counted or is tied, contradicted otherwise. With partial records only -> reproduced with
  caveat if the cited registry count for EV + cancer terms is more than half of all EV
  studies (no other area could then be larger), else ``not checkable offline``.
- ``trials.china_preclinical``: contradicted if the records hold at least one
  therapeutic EV study in China (sponsor or site) first posted before the end of the
  paper's publication year (2024) — the registry then shows clinical research in China;
  reproduced if a complete record set has none; ``not checkable offline`` if partial
  records have none.
- ``trials.table1``: each product is matched to records by lead sponsor or collaborator
  and by product-name patterns (``TABLE1``). A row "agrees" when the paper's phases are
  the registry's phases, "registry shows more" when the paper's phases are a subset,
  "differs" otherwise, "not in records" when nothing matches. ExoPharm's trials are in the
  Australian registry, not ClinicalTrials.gov; its row is compared with those cited records
  (``EXOPHARM_PLEXOVAL``). Verdict: not checkable offline if any row is not in the records
  (with partial records), contradicted if a row is not in a complete record set, reproduced if all
  rows agree, reproduced with caveat if every row agrees or shows more (or differs only by
  the ExoFlo/ExoPharm row shift the paper's text implies), contradicted otherwise.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from ..claims import Claim
from ..errors import BadParameter
from ..references import Reference
from ..sources import ctgov
from ..store import RawStore
from . import Result, Table

NAME = "trials"
NOTEBOOK = "03_clinical_trials"
TITLE = {"zh": "外泌体临床试验", "en": "Exosome clinical trials"}
SOURCES = ("ctgov",)
PAPER_YEAR = 2024
SNAPSHOT_DATE = "2026-02-15"

# --------------------------------------------------------------------------- cited constants
_SNAPSHOT_CITATION = (
    "Liegertová M, Malý J (2026), 'A Reproducible Framework for Mapping Translational Negative Space in "
    "Extracellular Vesicle Research', data file clinicaltrials_ev_snapshot.json (ClinicalTrials.gov searches "
    "of 2026-02-15), repository MichaLie/ev-negative-space-framework, commit d826654b; CC BY 4.0"
)
_SNAPSHOT_URL = "https://github.com/MichaLie/ev-negative-space-framework/blob/d826654b5da6d40e75a62ab7abab7fa397128756/clinicaltrials_ev_snapshot.json"


def _snap(key: str, value: float, what: str) -> Reference:
    return Reference(
        key=key, value=value, unit="studies", what=what, citation=_SNAPSHOT_CITATION, url=_SNAPSHOT_URL
    )


SNAPSHOT_TOTAL = _snap(
    "ctgov_ev_2026_total", 444, 'condition-field search "extracellular vesicle(s)" OR exosome(s), 2026-02-15'
)
SNAPSHOT_INTERVENTION = _snap(
    "ctgov_ev_2026_intervention", 491, "the same terms searched in the intervention field"
)
SNAPSHOT_INTERVENTIONAL = _snap(
    "ctgov_ev_2026_interventional", 255, "condition-field search, interventional studies only"
)
SNAPSHOT_CANCER = _snap(
    "ctgov_ev_2026_cancer", 133, "EV terms AND (cancer OR tumor OR metastasis OR metastatic)"
)
SNAPSHOT_NEURO = _snap(
    "ctgov_ev_2026_neurodegeneration",
    24,
    "EV terms AND (neurodegeneration OR Alzheimer OR Parkinson OR ALS OR dementia)",
)
SNAPSHOT_CARDIAC = _snap(
    "ctgov_ev_2026_cardiac", 18, 'EV terms AND (cardiac OR myocardial OR "heart failure")'
)
SNAPSHOTS = (
    SNAPSHOT_TOTAL,
    SNAPSHOT_INTERVENTION,
    SNAPSHOT_INTERVENTIONAL,
    SNAPSHOT_CANCER,
    SNAPSHOT_NEURO,
    SNAPSHOT_CARDIAC,
)

CELLTRIALS_DEFINITION = Reference(
    key="celltrials_ev_definition",
    value=float("nan"),
    unit="",
    what="inclusion rules for EV / conditioned-medium trials",
    citation="Couto PS, Verter F, 'How to Identify Exosome Clinical Trials', CellTrials.org",
    url="http://celltrials.org/news/how-identify-exosome-clinical-trials",
)
EXOPHARM_PLEXOVAL = Reference(
    key="exopharm_plexoval",
    value=1,
    unit="phase",
    what="ExoPharm's platelet-EV (Plexaris) trials PLEXOVAL and PLEXOVAL II: "
    "phase I, wound healing in healthy adults, registered in ANZCTR (ACTRN12619001378112, ACTRN12620000944932), not ClinicalTrials.gov",
    citation="ANZCTR records ACTRN12619001378112 and ACTRN12620000944932 (sponsor Exopharm Ltd); Johnson J et al., "
    "J Extracell Vesicles 2023, PMC10290200",
    url="https://www.anzctr.org.au/Trial/Registration/TrialReview.aspx?id=380050",
)

# --------------------------------------------------------------------------- vocabularies
TERM_FAMILIES = {
    "exosome": r"\bexosom(?:e|es|al)\b",
    # "EVs" alone is too ambiguous (enterovirus, ...); only "<cell>-derived EVs" and ExoFlo (Direct Biologics'
    # BM-MSC EV product, so described in its own registry records) count.
    "extracellular vesicle": r"\bextracellular[\s-]+vesicles?\b|(?:derived|\bMSCs?|cells?)[\s-]+s?EVs?\b|\bExoFlo\b",
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
        r"\bskin|wound|burn|keloid|(?<!ulcerative )\bulcer\b|dermat|epidermolysis|alopecia|\bhair|psoria|\bscar|donor\s+site",
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
    r"Shenyang|Dalian|Yunnan|Kunming|Guangxi|Guizhou|Jiangxi|Nanchang|Xinjiang|Sun Yat-sen|Fudan|Tsinghua|Ruijin|"
    r"Huashan|PLA General|Jiao Tong|Zhongshan Ophthalmic",
    re.I,
)
SPONSOR_US = re.compile(
    r"United States|\bUSA\b|M\.\s?D\.\s?Anderson|Mayo Clinic|National Institutes of Health|\bNIH\b|National Cancer Institute|"
    r"University of (?:California|Texas|Illinois|Michigan|Pennsylvania|Pittsburgh|Washington|Florida|Miami|Colorado|"
    r"Minnesota|Wisconsin|Utah|Iowa|Kansas|Virginia|Maryland|Alabama|Chicago|Southern California)|Harvard|Stanford|"
    r"Johns Hopkins|Massachusetts General|Duke University|Emory|Vanderbilt|Yale|Columbia University|Cleveland Clinic|"
    r"Memorial Sloan|Dana-Farber|Northwestern University|Baylor|Cedars-Sinai|Mount Sinai",
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


# --------------------------------------------------------------------------- Table 1 of the paper
@dataclass(frozen=True)
class Product:
    company: str
    product: str  # the paper's words, translated
    product_zh: str
    indications: str
    paper_phases: tuple[str, ...]  # as printed in the paper's row (v2 enums)
    sponsor: str  # regex on lead sponsor / collaborators
    names: str  # regex on intervention names, titles
    other_registry: Reference | None = (
        None  # cited records in another registry, used when ClinicalTrials.gov has none
    )
    other_ids: tuple[str, ...] = ()
    other_phases: tuple[str, ...] = ()


TABLE1 = (
    Product(
        "Aegle Therapeutics",
        "bone-marrow MSC extracellular vesicles (AGLE-102)",
        "骨髓间充质干细胞胞外囊泡 (AGLE-102)",
        "dystrophic epidermolysis bullosa; burns",
        ("PHASE2", "PHASE1"),
        r"\bAegle\b",
        r"AGLE[\s-]?102",
    ),
    Product(
        "Codiak Biosciences",
        "engineered exosome exoSTING",
        "工程化外泌体 exoSTING",
        "solid tumours",
        ("PHASE2",),
        r"\bCodiak\b",
        r"exoSTING|CDK-002",
    ),
    Product(
        "Direct Biologics",
        "bone-marrow MSC-derived EVs (ExoFlo)",
        "骨髓间充质干细胞来源 EV (ExoFlo)",
        "refractory Crohn's disease; mild-to-moderate COVID-19",
        ("PHASE1", "PHASE2"),
        r"Direct Biologics",
        r"ExoFlo|\bDB-001\b",
    ),
    Product(
        "ExoPharm",
        "platelet- and adult stem cell-derived exosomes",
        "血小板和成体干细胞来源外泌体",
        "COVID-19 moderate-to-severe ARDS",
        ("PHASE3",),
        r"Exopharm",
        r"Plexaris|PLEXOVAL",
        EXOPHARM_PLEXOVAL,
        ("ACTRN12619001378112", "ACTRN12620000944932"),
        ("PHASE1",),
    ),
    Product(
        "Brexogen",
        "MSC exosomes",
        "间充质干细胞外泌体",
        "poor wound healing",
        ("PHASE1",),
        r"Brexogen",
        r"\bBRE-[A-Z]{2}\d+",
    ),
    Product(
        "Organicell",
        "perinatal acellular biologic Zofin",
        "围产期的无细胞生物治疗剂 Zofin™",
        "atopic dermatitis; long COVID-19",
        ("PHASE1", "PHASE2"),
        r"Organicell",
        r"Zofin",
    ),
)


# --------------------------------------------------------------------------- rules
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


def study_rows(studies: list[ctgov.Study]) -> pd.DataFrame:
    """One row per study with its EV kind, areas and country group (all studies, incl. ``none``)."""
    rows = []
    for s in studies:
        kind, rule = classify(s)
        areas, basis = disease_areas(s)
        sp = sponsor_country(s.lead_sponsor)
        rows.append(
            {
                "nct_id": s.nct_id,
                "title": s.title,
                "ev_kind": kind,
                "ev_rule": rule,
                "ev_terms": "|".join(ev_families(s.text())),
                "study_type": s.study_type,
                "phases": "|".join(s.phases),
                "phase_label": phase_label(s.phases),
                "top_phase": top_phase(s.phases),
                "overall_status": s.overall_status,
                "start_date": s.start_date,
                "start_year": s.start_year if s.start_year is not None else pd.NA,
                "first_posted": s.first_posted,
                "last_update": s.last_update,
                "conditions": "|".join(s.conditions),
                "areas": "|".join(areas),
                "area_basis": basis,
                "interventions": " | ".join(
                    f"{i.type}: {i.name}" if i.type else i.name for i in s.interventions
                ),
                "lead_sponsor": s.lead_sponsor,
                "sponsor_class": s.sponsor_class,
                "collaborators": "|".join(s.collaborators),
                "sponsor_country": sp,
                "site_countries": "|".join(s.site_countries),
                "country_group": country_group(s.site_countries, sp),
                "origin": s.origin,
            }
        )
    df = pd.DataFrame(rows)
    if len(df):
        df["start_year"] = df["start_year"].astype("Int64")
    return df


# --------------------------------------------------------------------------- views (used by the notebook too)
def validate_parameters(
    search_terms=DEFAULT_TERMS,
    study_types=("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"),
    start_from: int | None = None,
    start_to: int | None = None,
    include_diagnostic: bool = True,
    lang: str = "zh",
    **_ignored,
) -> None:
    """Raise BadParameter naming the bad value (unknown term or type with near matches, reversed years...)."""
    if isinstance(search_terms, str) or not search_terms:
        raise BadParameter(f"search_terms must be a non-empty list of terms, not {search_terms!r}")
    for t in search_terms:
        if str(t).lower() not in SEARCH_TERMS:
            near = difflib.get_close_matches(str(t).lower(), SEARCH_TERMS, n=3)
            raise BadParameter(
                f"unknown search term {t!r}"
                + (f"; did you mean {', '.join(near)}?" if near else "")
                + f" (known: {', '.join(SEARCH_TERMS)})"
            )
    if isinstance(study_types, str) or not study_types:
        raise BadParameter(f"study_types must be a non-empty list, not {study_types!r}")
    for t in study_types:
        if t not in ctgov.STUDY_TYPES:
            near = difflib.get_close_matches(str(t).upper(), ctgov.STUDY_TYPES, n=2)
            raise BadParameter(
                f"unknown study type {t!r}"
                + (f"; did you mean {', '.join(near)}?" if near else "")
                + f" (known: {', '.join(ctgov.STUDY_TYPES)})"
            )
    for y, label in ((start_from, "start_from"), (start_to, "start_to")):
        if y is not None and not (isinstance(y, int) and 1990 <= y <= 2100):
            raise BadParameter(f"{label} must be a year between 1990 and 2100, not {y!r}")
    if start_from is not None and start_to is not None and start_from > start_to:
        raise BadParameter(f"reversed years: start_from {start_from} is after start_to {start_to}")
    if not isinstance(include_diagnostic, bool):
        raise BadParameter(f"include_diagnostic must be True or False, not {include_diagnostic!r}")
    if lang not in ("zh", "en"):
        raise BadParameter(f"unsupported lang {lang!r}; use 'zh' or 'en'")


def select_studies(
    df: pd.DataFrame,
    search_terms=DEFAULT_TERMS,
    study_types=None,
    start_from=None,
    start_to=None,
    include_diagnostic: bool = True,
) -> pd.DataFrame:
    """EV studies matching the parameters (``df`` is the ``trials_studies`` table)."""
    fams = {SEARCH_TERMS[str(t).lower()] for t in search_terms}
    kinds = ["therapeutic", "diagnostic"] if include_diagnostic else ["therapeutic"]
    terms = df["ev_terms"].fillna("").astype(str).str.split("|")
    keep = df["ev_kind"].isin(kinds) & terms.map(lambda ts: bool(fams & set(ts)))
    if study_types:
        # records without a study type (the flattened file) are kept when they have a phase (they assign treatment)
        st = df["study_type"].fillna("")
        keep &= st.isin(study_types) | (
            (st == "") & ("INTERVENTIONAL" in study_types) & df["phases"].fillna("").ne("")
        )
    year = pd.to_numeric(df["start_year"], errors="coerce")
    if start_from is not None:
        keep &= year >= start_from
    if start_to is not None:
        keep &= year <= start_to
    return df[keep].reset_index(drop=True)


def by_area(sel: pd.DataFrame) -> pd.DataFrame:
    """Studies per disease area and kind (a study counts in every area it has)."""
    if sel.empty:
        return pd.DataFrame(columns=["area", "ev_kind", "studies"])
    long = sel.assign(area=sel["areas"].str.split("|")).explode("area")
    out = long.groupby(["area", "ev_kind"]).size().rename("studies").reset_index()
    out["_o"] = out["area"].map({a: i for i, a in enumerate(AREAS)})
    return out.sort_values(["_o", "ev_kind"]).drop(columns="_o").reset_index(drop=True)


def count_by(sel: pd.DataFrame, column: str) -> pd.DataFrame:
    if sel.empty:
        return pd.DataFrame(columns=[column, "ev_kind", "studies"])
    return sel.groupby([column, "ev_kind"], dropna=False).size().rename("studies").reset_index()


def area_ranking(sel: pd.DataFrame) -> pd.Series:
    t = by_area(sel)
    return t.groupby("area")["studies"].sum().sort_values(ascending=False, kind="mergesort")


# --------------------------------------------------------------------------- Table 1 audit
def match_product(p: Product, studies: list[ctgov.Study]) -> list[ctgov.Study]:
    sp, nm = re.compile(p.sponsor, re.I), re.compile(p.names, re.I)
    out = []
    for s in studies:
        who = " ".join((s.lead_sponsor,) + s.collaborators)
        what = " ".join([s.title, s.official_title] + [f"{i.name} {i.description}" for i in s.interventions])
        if sp.search(who) or nm.search(what):
            out.append(s)
    return out


def _row_status(paper: set, registry: set) -> str:
    if not registry:
        return "not in records"
    if paper == registry:
        return "agrees"
    if paper <= registry:
        return "registry shows more"
    return "differs"


TABLE1_STATUS = {
    "zh": {
        "not in records": "记录中未见",
        "agrees": "一致",
        "registry shows more": "注册库所示更多",
        "differs": "不一致",
    },
    "en": {k: k for k in ("not in records", "agrees", "registry shows more", "differs")},
}


def china_therapeutic(sel: pd.DataFrame) -> pd.DataFrame:
    """The selected therapeutic studies whose sponsor or sites are in China, for display."""
    rows = sel[(sel["country_group"] == "China") & (sel["ev_kind"] == "therapeutic")]
    cols = ["nct_id", "title", "lead_sponsor", "phase_label", "overall_status", "start_year"]
    return (
        rows[cols]
        .rename(columns={"title": "study_title", "phase_label": "phase"})
        .sort_values("nct_id")
        .reset_index(drop=True)
    )


def table1_records(audit: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """One row per registry record matched to a Table 1 product: ID, phase, status, last update.

    Records from other registries (no NCT ID) keep the description the audit gives them.
    """
    by_id = studies.set_index("nct_id") if len(studies) else pd.DataFrame()
    rows = []
    for _, a in audit.iterrows():
        ids = [i for i in str(a["registry_records"]).split("|") if i]
        for i in ids:
            if i in by_id.index:
                st = by_id.loc[i]
                rows.append(
                    {
                        "company": a["company"],
                        "record": i,
                        "phase": st["phase_label"],
                        "overall_status": st["overall_status"],
                        "last_update": st["last_update"],
                        "conditions": st["conditions"],
                    }
                )
            else:
                rows.append(
                    {
                        "company": a["company"],
                        "record": i,
                        "phase": a["registry_phases"],
                        "overall_status": "",
                        "last_update": "",
                        "conditions": a["registry_detail"],
                    }
                )
    return pd.DataFrame(
        rows, columns=["company", "record", "phase", "overall_status", "last_update", "conditions"]
    )


def table1_audit(studies: list[ctgov.Study]) -> pd.DataFrame:
    rows = []
    for p in TABLE1:
        found = sorted(match_product(p, studies), key=lambda s: s.nct_id)
        reg = set()
        for s in found:
            reg |= {"PHASE1" if x == "EARLY_PHASE1" else x for x in s.phases if x != "NA"}
        if not found and p.other_registry is not None:
            rows.append(
                {
                    "company": p.company,
                    "product": p.product,
                    "product_zh": p.product_zh,
                    "paper_indications": p.indications,
                    "paper_phases": phase_label(p.paper_phases),
                    "registry_records": "|".join(p.other_ids),
                    "registry_phases": phase_label(p.other_phases),
                    "registry_detail": f"not on ClinicalTrials.gov; {p.other_registry.what} ({p.other_registry.citation})",
                    "status": _row_status(set(p.paper_phases), set(p.other_phases)),
                }
            )
            continue
        rows.append(
            {
                "company": p.company,
                "product": p.product,
                "product_zh": p.product_zh,
                "paper_indications": p.indications,
                "paper_phases": phase_label(p.paper_phases),
                "registry_records": "|".join(s.nct_id for s in found),
                "registry_phases": phase_label(reg) if found else "",
                "registry_detail": " ; ".join(
                    f"{s.nct_id} {phase_label(s.phases)}, {s.overall_status or '?'}, last update {s.last_update or '?'}: "
                    f"{'; '.join(s.conditions)[:80]}"
                    for s in found
                ),
                "status": _row_status(set(p.paper_phases), reg),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- claims
def records_complete(entries) -> bool:
    """A live API walk for an EV query (an EV term in query.term, query.cond or query.intr) is in the store."""
    for e in entries:
        q = e.provenance.query or {}
        asked = " ".join(str(q.get(k, "")) for k in ("query.term", "query.cond", "query.intr"))
        if e.provenance.route == "live" and e.kind == "api_page" and _EV.search(asked):
            return True
    return False


def _describe_records(entries) -> str:
    parts = []
    for e in entries:
        p = e.provenance
        parts.append(f"{p.original_name or e.name} ({p.kind}, {p.route}{', ' + p.notes if p.notes else ''})")
    return "; ".join(parts)


# --------------------------------------------------------------------------- Chinese wording of the claims
ROUTE_ZH = {"import": "导入", "live": "在线检索"}
TERM_ZH = {
    "exosome": "外泌体",
    "extracellular vesicle": "胞外囊泡",
    "microvesicle": "微囊泡",
    "secretome": "分泌组",
    "conditioned medium": "条件培养基",
}
SPONSOR_CLASS_ZH = {
    "INDUSTRY": "企业",
    "OTHER": "其他（医院、大学等）",
    "NIH": "美国国立卫生研究院",
    "FED": "美国联邦机构",
    "OTHER_GOV": "其他政府机构",
    "NETWORK": "研究网络",
    "INDIV": "个人",
    "UNKNOWN": "未知",
    "AMBIG": "不明确",
    "not given": "未注明",
}
STATUS_ZH = {
    "ACTIVE_NOT_RECRUITING": "进行中、不再招募",
    "COMPLETED": "已完成",
    "ENROLLING_BY_INVITATION": "受邀入组",
    "NOT_YET_RECRUITING": "尚未招募",
    "RECRUITING": "招募中",
    "SUSPENDED": "已暂停",
    "TERMINATED": "已终止",
    "WITHDRAWN": "已撤回",
    "AVAILABLE": "扩大使用、可申请",
    "NO_LONGER_AVAILABLE": "不再提供",
    "TEMPORARILY_NOT_AVAILABLE": "暂不提供",
    "APPROVED_FOR_MARKETING": "已批准上市",
    "WITHHELD": "未公开",
    "UNKNOWN": "状态不明",
    "?": "不详",
}
# What the cited records of another registry are, in Chinese (keyed by the Reference's key).
OTHER_REGISTRY_ZH = {
    EXOPHARM_PLEXOVAL.key: "ExoPharm 血小板胞外囊泡产品 Plexaris 的 PLEXOVAL 与 PLEXOVAL II 试验为健康成人伤口愈合研究，"
    "登记于澳大利亚新西兰临床试验注册中心（ANZCTR）",
}
_DETAIL_PART = re.compile(
    r"^(?P<id>\S+) (?P<phase>[^,]+), (?P<status>[^,]+), last update (?P<date>[^:]+): (?P<cond>.*)$", re.S
)


def _describe_records_zh(entries) -> str:
    """:func:`_describe_records` in Chinese (file names and kinds are identifiers and stay as they are)."""
    parts = []
    for e in entries:
        p = e.provenance
        notes = re.sub(r"^(\d+) studies$", r"\1项研究", p.notes) if p.notes else ""
        parts.append(
            f"{p.original_name or e.name}（{p.kind}，{ROUTE_ZH.get(p.route, p.route)}{'，' + notes if notes else ''}）"
        )
    return "；".join(parts)


def _areas_zh(rank: pd.Series, n: int = 5) -> str:
    return "、".join(f"{AREA_NAMES['zh'].get(a, a)} {k}项" for a, k in rank.head(n).items())


def _phase_counts_zh(counts: pd.Series) -> str:
    return "、".join(f"{phase_name(k, 'zh')} {v}项" for k, v in counts.items())


def _terms_zh(terms: str) -> str:
    return "、".join(TERM_ZH.get(t, t) for t in str(terms).split("|") if t)


def _registry_detail_zh(company: str, detail: str) -> str:
    """The audit's ``registry_detail`` (built by :func:`table1_audit`) in Chinese.

    Registry text (conditions) and identifiers stay as they are; a part that does not have
    the audit's shape is kept unchanged.
    """
    if not detail:
        return ""
    product = next((p for p in TABLE1 if p.company == company), None)
    if (
        product is not None
        and product.other_registry is not None
        and detail.startswith("not on ClinicalTrials.gov")
    ):
        what = OTHER_REGISTRY_ZH.get(product.other_registry.key, product.other_registry.what)
        return (
            f"未在 ClinicalTrials.gov 注册；{what}，记录号 {'、'.join(product.other_ids)}，"
            f"分期为{phase_name(phase_label(product.other_phases), 'zh')}（出处：{product.other_registry.citation}）"
        )
    out = []
    for part in detail.split(" ; "):
        m = _DETAIL_PART.match(part.strip())
        if not m:
            out.append(part.strip())
            continue
        date = "不详" if m["date"] == "?" else m["date"]
        out.append(
            f"{m['id']}（{phase_name(m['phase'], 'zh')}，{STATUS_ZH.get(m['status'], m['status'])}，最后更新 {date}）："
            f"{m['cond']}"
        )
    return "；".join(out)


def check_oncology(rows: pd.DataFrame, complete: bool, records: str, records_zh: str | None = None) -> Claim:
    ev = select_studies(rows, SEARCH_TERMS.keys())
    rank = area_ranking(ev)
    ther = area_ranking(ev[ev.ev_kind == "therapeutic"])
    lead = rank.index[0] if len(rank) else "none"
    onc = int(rank.get("oncology", 0))
    ranking = ", ".join(f"{a} {n}" for a, n in rank.head(5).items())
    cancer_share = SNAPSHOT_CANCER.value / SNAPSHOT_TOTAL.value
    records_zh = records if records_zh is None else records_zh
    ranking_zh = _areas_zh(rank)
    lead_zh = AREA_NAMES["zh"].get(lead, "无" if lead == "none" else lead)
    if rank.empty:
        verdict = "not checkable offline"
        reason = "no EV studies in the stored records"
        reason_zh = "所存记录中没有胞外囊泡研究"
    elif complete:
        tied = len(rank) > 1 and rank.iloc[0] == rank.iloc[1]
        if lead == "oncology" and not tied and len(ther) and ther.index[0] == "oncology":
            verdict = "reproduced"
        elif lead == "oncology" or (tied and onc == rank.iloc[0]):
            verdict = "reproduced with caveat"
        else:
            verdict = "contradicted"
        reason = f"live records: oncology {onc} EV studies; ranking {ranking}"
        reason_zh = f"在线检索的完整记录：肿瘤领域胞外囊泡研究{onc}项；各领域排序：{ranking_zh}"
    elif cancer_share > 0.5:
        verdict = "reproduced with caveat"
        reason = f"cited registry counts: EV+cancer {SNAPSHOT_CANCER.value:.0f} of {SNAPSHOT_TOTAL.value:.0f}, more than half"
        reason_zh = (
            f"引用的注册库检索数：{SNAPSHOT_TOTAL.value:.0f}项胞外囊泡研究中有{SNAPSHOT_CANCER.value:.0f}项"
            "与癌症检索词匹配，超过一半"
        )
    else:
        verdict = "not checkable offline"
        reason = (
            f"partial records lead with {lead} ({ranking}); cited counts: EV+cancer {SNAPSHOT_CANCER.value:.0f} of "
            f"{SNAPSHOT_TOTAL.value:.0f} EV studies, cardiac {SNAPSHOT_CARDIAC.value:.0f}, neurodegeneration "
            f"{SNAPSHOT_NEURO.value:.0f}; needs the live walk"
        )
        reason_zh = (
            f"不完整的离线记录以{lead_zh}居首（{ranking_zh}）；引用的注册库检索数：{SNAPSHOT_TOTAL.value:.0f}项"
            f"胞外囊泡研究中与癌症相关的{SNAPSHOT_CANCER.value:.0f}项，心脏相关{SNAPSHOT_CARDIAC.value:.0f}项，"
            f"神经退行性疾病相关{SNAPSHOT_NEURO.value:.0f}项；需联网完整检索"
        )
    note = (
        f"Records used: {records}. EV studies (therapeutic and diagnostic) by disease area, a study counted in each of "
        f"its areas: {ranking}. "
        + (
            ""
            if complete
            else f"These records are partial (an MSC-trial export and a file of nervous-system studies, for example), so "
            f"their ranking, led by {lead}, says nothing about the registry as a whole. "
        )
        + f"The registry's own counts of {SNAPSHOT_DATE} ({SNAPSHOT_TOTAL.citation}) give "
        f"{SNAPSHOT_CANCER.value:.0f} of {SNAPSHOT_TOTAL.value:.0f} EV studies ({100 * cancer_share:.0f}%) matching cancer "
        f"terms, against {SNAPSHOT_CARDIAC.value:.0f} cardiac and {SNAPSHOT_NEURO.value:.0f} neurodegeneration: consistent "
        "with the paper, but respiratory and other areas were not counted, and the counts mix therapeutic and diagnostic "
        "studies. " + ("" if complete else "Live route: `" + ctgov.live_command(list(DEFAULT_TERMS)) + "`.")
    )
    note_zh = (
        f"所用记录：{records_zh}。按疾病领域统计的胞外囊泡研究（治疗性研究与诊断/生物标志物研究合计，一项研究计入其所属的"
        f"每个领域）：{ranking_zh or '无'}。"
        + (
            ""
            if complete
            else f"这些记录并不完整（例如一份间充质干细胞试验导出文件和一份神经系统研究文件），其排序以{lead_zh}居首，"
            "并不能说明注册库的整体情况。"
        )
        + f"注册库自身在{SNAPSHOT_DATE}的检索数（{SNAPSHOT_TOTAL.citation}）显示，{SNAPSHOT_TOTAL.value:.0f}项胞外囊泡研究中"
        f"有{SNAPSHOT_CANCER.value:.0f}项（{100 * cancer_share:.0f}%）与癌症检索词匹配，心脏相关{SNAPSHOT_CARDIAC.value:.0f}项，"
        f"神经退行性疾病相关{SNAPSHOT_NEURO.value:.0f}项：与论文一致，但呼吸系统等其他领域未作统计，而且这些数字把治疗性研究"
        "与诊断研究混在一起。"
        + ("" if complete else "联网检索命令：`" + ctgov.live_command(list(DEFAULT_TERMS)) + "`。")
    )
    return Claim(
        claim_id="trials.oncology_most",
        section="2.1.3",
        statement="外泌体对肿瘤、呼吸系统、心血管系统、中枢神经系统等多系统疾病均显示出临床的潜力（图 1）。其中以肿瘤临床试验数量最多",
        statement_en="Exosome trials on ClinicalTrials.gov span oncology, respiratory, cardiovascular, CNS and more; oncology trials are the most numerous",
        paper_value="oncology most numerous",
        reproduced_value=(
            f"leading area: {lead} ({int(rank.iloc[0]) if len(rank) else 0} studies); oncology {onc}"
        ),
        unit="EV studies per disease area",
        verdict=verdict,
        reason=reason,
        source="ClinicalTrials.gov records in the raw store"
        + ("" if complete else " (partial) and the registry counts of 2026-02-15"),
        note=note,
        notebook=NOTEBOOK,
        reason_zh=reason_zh,
        note_zh=note_zh,
        paper_value_zh="肿瘤领域临床试验数量最多",
        reproduced_value_zh=(
            f"居首领域：{lead_zh}（{int(rank.iloc[0]) if len(rank) else 0}项研究）；"
            f"{AREA_NAMES['zh']['oncology']}{onc}项"
        ),
        unit_zh="各疾病领域的胞外囊泡研究数（项）",
    )


def check_china(rows: pd.DataFrame, complete: bool, records: str, records_zh: str | None = None) -> Claim:
    ther = rows[(rows.ev_kind == "therapeutic") & rows.country_group.isin(["China", "China and US"])]
    before = ther[
        ther["first_posted"].fillna("").str[:4].le(str(PAPER_YEAR)) & ther["first_posted"].fillna("").ne("")
    ]
    undated = ther[ther["first_posted"].fillna("").eq("")]
    n = len(before)
    phases = before["phase_label"].value_counts().sort_index()
    classes = before["sponsor_class"].replace("", "not given").value_counts().sort_index()
    n_industry = int((before["sponsor_class"] == "INDUSTRY").sum())
    n_collab = int(before["collaborators"].fillna("").ne("").sum()) if "collaborators" in before else 0
    listing = "; ".join(
        f"{r.nct_id} ({r.phase_label}, {r.lead_sponsor}, first posted {r.first_posted}, terms: "
        f"{r.ev_terms.replace('|', ', ')})"
        for r in before.itertuples()
    )
    vesicle = before["ev_terms"].fillna("").str.contains("exosome|extracellular vesicle|microvesicle")
    split = (
        f"{int(vesicle.sum())} name exosomes or EVs, {int((~vesicle).sum())} conditioned medium or secretome only. "
        if n
        else ""
    )
    records_zh = records if records_zh is None else records_zh
    listing_zh = "；".join(
        f"{r.nct_id}（{phase_name(r.phase_label, 'zh')}，{r.lead_sponsor}，{r.first_posted}首次发布，"
        f"检索词：{_terms_zh(r.ev_terms)}）"
        for r in before.itertuples()
    )
    split_zh = (
        f"其中{int(vesicle.sum())}项明确提及外泌体或胞外囊泡，{int((~vesicle).sum())}项仅涉及条件培养基或分泌组。"
        if n
        else ""
    )
    classes_zh = "、".join(f"{SPONSOR_CLASS_ZH.get(k, k)} {v}项" for k, v in classes.items()) or "无"
    if n > 0:
        verdict = "contradicted"
        reason = f"{n} therapeutic EV studies in China first posted by {PAPER_YEAR} ({', '.join(f'{k} {v}' for k, v in phases.items())})"
        reason_zh = (
            f"截至{PAPER_YEAR}年已有{n}项在中国开展的治疗性胞外囊泡研究首次发布（{_phase_counts_zh(phases)}）"
        )
    elif complete:
        verdict, reason = "reproduced", "no therapeutic EV study in China in the live records"
        reason_zh = "在线检索的完整记录中没有在中国开展的治疗性胞外囊泡研究"
    else:
        verdict, reason = (
            "not checkable offline",
            "no therapeutic EV study in China in the partial records; needs the live walk",
        )
        reason_zh = "不完整的离线记录中没有在中国开展的治疗性胞外囊泡研究；需联网完整检索"
    note = (
        f"Records used: {records}. Therapeutic EV studies (rules T1-T3) with a Chinese site or sponsor, first posted by the "
        f"end of {PAPER_YEAR}: {n}. {listing}. {split}Sponsor classes: {', '.join(f'{k} {v}' for k, v in classes.items()) or 'none'}. "
        + (
            f"{n_industry} of {n} have an industry lead sponsor; {n_collab} list collaborators. "
            + (
                "All are investigator-initiated (led by hospitals or universities), so the paper may mean that no Chinese "
                "company's EV product has entered registration trials; as written ('all preclinical') the registry "
                "contradicts it. "
                if n and not n_industry
                else ""
            )
            if n
            else ""
        )
        + (
            f"{len(undated)} more Chinese therapeutic studies have no first-posted date in these records. "
            if len(undated)
            else ""
        )
        + (
            ""
            if complete
            else "Records without countries (the flattened CNS file has none) cannot be placed, and the "
            "classic MSC export ends in 2022-09. Live route: `"
            + ctgov.live_command(list(DEFAULT_TERMS), ["INTERVENTIONAL"])
            + "`."
        )
    )
    note_zh = (
        f"所用记录：{records_zh}。在中国设有研究地点或由中国申办方发起、并于{PAPER_YEAR}年底前首次发布的治疗性胞外囊泡研究"
        f"（规则T1–T3）：{n}项。"
        + (f"{listing_zh}。" if listing_zh else "")
        + f"{split_zh}申办方类别：{classes_zh}。"
        + (
            f"{n}项中牵头申办方为企业的有{n_industry}项，列有合作方的有{n_collab}项。"
            + (
                "全部为研究者发起的研究（由医院或大学牵头），因此论文的本意可能是尚无中国企业的胞外囊泡产品进入注册临床试验；"
                "但按字面表述（“均处于临床前阶段”），注册记录与之不符。"
                if n and not n_industry
                else ""
            )
            if n
            else ""
        )
        + (
            f"另有{len(undated)}项在中国开展的治疗性研究在这些记录中没有首次发布日期。"
            if len(undated)
            else ""
        )
        + (
            ""
            if complete
            else "没有国家信息的记录（扁平化的中枢神经系统研究文件均无国家信息）无法归属，且间充质干细胞试验的"
            "经典导出文件只到2022-09。联网检索命令：`"
            + ctgov.live_command(list(DEFAULT_TERMS), ["INTERVENTIONAL"])
            + "`。"
        )
    )
    return Claim(
        claim_id="trials.china_preclinical",
        section="3.1",
        statement="我国目前外泌体研发均处于临床前阶段",
        statement_en="China's exosome R&D is all at the preclinical stage",
        paper_value="all preclinical",
        reproduced_value=f"{n} registered therapeutic EV studies in China by {PAPER_YEAR}",
        unit="registered interventional studies",
        verdict=verdict,
        reason=reason,
        source="ClinicalTrials.gov records in the raw store" + ("" if complete else " (partial)"),
        note=note,
        notebook=NOTEBOOK,
        reason_zh=reason_zh,
        note_zh=note_zh,
        paper_value_zh="均处于临床前阶段",
        reproduced_value_zh=f"截至{PAPER_YEAR}年，在中国开展并已注册的治疗性胞外囊泡研究{n}项",
        unit_zh="已注册的干预性研究（项）",
    )


def check_table1(audit: pd.DataFrame, complete: bool, records: str, records_zh: str | None = None) -> Claim:
    st = dict(zip(audit["company"], audit["status"]))
    missing = [c for c, s in st.items() if s == "not in records"]
    differs = [c for c, s in st.items() if s == "differs"]
    more = [c for c, s in st.items() if s == "registry shows more"]
    db = audit[audit["company"] == "Direct Biologics"]
    db_detail = str(db["registry_detail"].iloc[0]) if len(db) else ""
    db_p3 = [part.split()[0] for part in db_detail.split(" ; ") if "phase 3" in part]
    # the ExoFlo/ExoPharm rows count as a shifted row only when the registry shows ExoFlo in phase 3
    shift_only = bool(db_p3) and set(differs) <= {"ExoPharm", "Direct Biologics"}
    if missing and not complete:
        verdict = "not checkable offline"
    elif missing:
        verdict = "contradicted"  # a complete record set shows no registered study of these products
    elif all(s == "agrees" for s in st.values()):
        verdict = "reproduced"
    elif not differs or shift_only:
        verdict = "reproduced with caveat"
    else:
        verdict = "contradicted"
    summary = "; ".join(f"{c}: {s}" for c, s in st.items())
    detail = " ".join(
        f"{r.company}: paper {r.paper_phases}; registry {r.registry_detail or 'none'}."
        for r in audit.itertuples()
    )
    shift = (
        f"the registry's Direct Biologics records include phase 3: {', '.join(db_p3)}, so the table's phase cells "
        "look shifted by a row."
        if db_p3
        else "these records hold no phase 3 study of Direct Biologics, so the shift cannot be confirmed here."
    )
    note = (
        f"Records used: {records}. {detail} The paper's text says ExoFlo is in phase III for ARDS, while its table gives "
        f"phase III to ExoPharm's row and phases I/II to ExoFlo; {shift} ExoPharm's registered trials are phase I wound-healing studies in the Australian registry ({EXOPHARM_PLEXOVAL.citation}), "
        "not ClinicalTrials.gov records. "
        + (
            ""
            if complete or not missing
            else f"Not in the offline records: {', '.join(missing)}; live route: `exo-industry fetch ctgov --spons NAME` for each sponsor."
        )
    )
    records_zh = records if records_zh is None else records_zh
    status_zh = TABLE1_STATUS["zh"]
    summary_zh = "；".join(f"{c}：{status_zh.get(s, s)}" for c, s in st.items())
    detail_zh = "".join(
        f"{r.company}：论文{phase_name(r.paper_phases, 'zh') or '未列分期'}；注册库："
        f"{_registry_detail_zh(r.company, r.registry_detail) or '无记录'}。"
        for r in audit.itertuples()
    )
    shift_zh = (
        f"注册库中 Direct Biologics 的记录包括III期研究：{'、'.join(db_p3)}，因此表中的分期栏看来错开了一行。"
        if db_p3
        else "这些记录中没有 Direct Biologics 的III期研究，因此无法在此确认错行。"
    )
    note_zh = (
        f"所用记录：{records_zh}。{detail_zh}论文正文称 ExoFlo 已进入治疗急性呼吸窘迫综合征（ARDS）的III期试验，而表1却把"
        f"III期列在 ExoPharm 一行、把I/II期列给 ExoFlo；{shift_zh}ExoPharm 已注册的试验是澳大利亚注册库中的I期伤口愈合研究"
        f"（{EXOPHARM_PLEXOVAL.citation}），并非 ClinicalTrials.gov 的注册记录。"
        + (
            ""
            if complete or not missing
            else f"离线记录中未见：{'、'.join(missing)}；联网时可对每个申办方运行 `exo-industry fetch ctgov --spons NAME`。"
        )
    )
    return Claim(
        claim_id="trials.table1",
        section="3.1",
        statement="表 1 全球进入临床阶段的外泌体药物（ExoFlo 进入 III 期试验）",
        statement_en="Six EV products in clinical stage with their phases (Table 1); ExoFlo in phase III for ARDS",
        paper_value="6 products; phases as in Table 1",
        reproduced_value=f"{len(audit) - len(missing)} of {len(audit)} products matched to registry records; "
        + (f"registry shows more for {', '.join(more)}" if more else "no extra phases")
        + (f"; differs for {', '.join(differs)}" if differs else ""),
        unit="products matched to registry records",
        verdict=verdict,
        reason=summary,
        source="ClinicalTrials.gov records in the raw store"
        + ("" if complete else " (partial)")
        + "; ANZCTR (cited) for ExoPharm",
        note=note,
        notebook=NOTEBOOK,
        reason_zh=summary_zh,
        note_zh=note_zh,
        paper_value_zh="6个产品；分期见表1",
        reproduced_value_zh=(
            f"{len(audit)}个产品中有{len(audit) - len(missing)}个与注册记录匹配；"
            + (f"注册库所示分期多于论文：{'、'.join(more)}" if more else "注册库未显示更多分期")
            + (f"；分期与论文不符：{'、'.join(differs)}" if differs else "")
        ),
        unit_zh="与注册记录匹配的产品数（个）",
    )


def reference_counts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"key": r.key, "studies": int(r.value), "what": r.what, "citation": r.citation, "url": r.url}
            for r in SNAPSHOTS
        ]
    )


def process(store: RawStore) -> Result:
    studies, entries = ctgov.load_studies(store)
    rows = study_rows(studies)
    complete = records_complete(entries)
    records = _describe_records(entries)
    ev = rows[rows.ev_kind != "none"].reset_index(drop=True)
    sel = select_studies(rows, SEARCH_TERMS.keys())
    audit = table1_audit(studies)
    sel_area = by_area(sel)
    totals = sel.groupby("ev_kind").size()
    area_tab = sel_area.pivot_table(
        index="area", columns="ev_kind", values="studies", fill_value=0, aggfunc="sum"
    )
    area_tab = area_tab.reindex(columns=["therapeutic", "diagnostic"], fill_value=0).reset_index()
    area_tab["all"] = area_tab["therapeutic"] + area_tab["diagnostic"]
    tables = {
        "trials_studies": Table(
            ev,
            ["nct_id"],
            description="EV studies (therapeutic, diagnostic, mention) with areas and countries",
        ),
        "trials_by_area": Table(
            area_tab, ["area"], description="EV studies per disease area; a study counts in each of its areas"
        ),
        "trials_by_phase": Table(
            count_by(sel, "phase_label"), ["phase_label", "ev_kind"], description="EV studies by phase"
        ),
        "trials_by_year": Table(
            count_by(sel, "start_year"), ["start_year", "ev_kind"], description="EV studies by start year"
        ),
        "trials_by_country": Table(
            count_by(sel, "country_group"), ["country_group", "ev_kind"], description="China vs US"
        ),
        "trials_table1": Table(audit, ["company"], description="the paper's Table 1 beside the registry"),
        "trials_reference_counts": Table(
            reference_counts(), ["key"], description="cited registry counts of 2026-02-15"
        ),
        "trials_records": Table(
            records_table(store, entries, rows), ["file"], description="the stored files used"
        ),
    }
    records_zh = _describe_records_zh(entries)
    claims = [
        check_oncology(rows, complete, records, records_zh),
        check_china(rows, complete, records, records_zh),
        check_table1(audit, complete, records, records_zh),
    ]
    notes = (
        []
        if complete
        else [
            f"partial records: {records}; distinct EV studies: {len(sel)} of {len(rows)} records ({', '.join(f'{k} {int(v)}' for k, v in totals.items())})"
        ]
    )
    return Result(tables=tables, claims=claims, inputs=entries, notes=notes)


# --------------------------------------------------------------------------- notebook and briefing texts
KEY_FIGURE = "trials_by_area"  # figures/trials_by_area.<lang>.png is the overview card's figure
DATA_NOTE = {
    "zh": "离线记录不完整：仅有间充质干细胞相关试验的经典CSV导出（至2022年9月）中的外泌体/胞外囊泡研究，以及19项近期中枢神经系统研究；"
    "注册库总数（2026-02-15）为引用值。完整数据需联网运行 exo-industry fetch ctgov。",
    "en": "Offline records are partial: the EV studies of the classic CSV export of MSC trials (to 2022-09) and 19 recent "
    "nervous-system studies; registry totals (2026-02-15) are cited. The live route (exo-industry fetch ctgov) gives the complete set.",
}
AREA_NAMES = {
    "zh": {
        "oncology": "肿瘤",
        "respiratory": "呼吸系统",
        "cardiovascular": "心血管",
        "nervous system": "神经系统",
        "infections": "感染性疾病",
        "musculoskeletal": "肌肉骨骼",
        "skin and wounds": "皮肤与创伤",
        "digestive": "消化系统",
        "metabolic and endocrine": "代谢与内分泌",
        "immune and inflammatory": "免疫与炎症",
        "eye": "眼科",
        "urogenital and pregnancy": "泌尿生殖与妊娠",
        "mental health": "精神心理",
        "mouth and teeth": "口腔",
        "ear, nose and throat": "耳鼻喉",
        "blood and lymph": "血液与淋巴",
        "congenital": "先天性疾病",
        "other": "其他",
    },
    "en": {a: a for a in AREAS},
}
KIND_NAMES = {
    "zh": {
        "therapeutic": "治疗性（给予胞外囊泡产品）",
        "diagnostic": "诊断/生物标志物",
        "mention": "仅提及",
        "none": "无",
    },
    "en": {
        "therapeutic": "therapeutic (EV product given)",
        "diagnostic": "diagnostic / biomarker",
        "mention": "mention only",
        "none": "none",
    },
}
GROUP_NAMES = {
    "zh": {"China": "中国", "US": "美国", "China and US": "中美均有", "other": "其他国家", "unknown": "未知"},
    "en": {
        "China": "China",
        "US": "US",
        "China and US": "China and US",
        "other": "other countries",
        "unknown": "unknown",
    },
}
PHASE_NAMES_ZH = {
    "early phase 1": "早期I期",
    "phase 1": "I期",
    "phase 2": "II期",
    "phase 3": "III期",
    "phase 4": "IV期",
    "not applicable": "不适用",
    "not given": "未注明",
}
LABELS = {
    "zh": {
        "title": "# 外泌体临床试验（论文第2.1.3节、第3.1节、图1、表1）",
        "intro": "论文称，ClinicalTrials.gov 上的外泌体临床试验覆盖肿瘤、呼吸、心血管、中枢神经等领域，其中肿瘤试验最多（图1）；"
        "我国外泌体研发均处于临床前阶段；表1列出六个进入临床阶段的外泌体产品。本节按书面规则识别胞外囊泡（EV）研究，"
        "区分治疗性研究（给予EV、外泌体、微囊泡或细胞条件培养基/分泌组）与诊断/生物标志物研究，按MeSH分支或疾病名称归入疾病领域，"
        "并按申办方与研究地点区分中国与美国。",
        "records_heading": "## 本节依据的记录",
        "area_title": "胞外囊泡研究的疾病领域分布（一项研究可计入多个领域）",
        "phase_title": "按分期",
        "year_title": "按开始年份",
        "no_year": "（另有 {n} 项未注明）",
        "country_title": "中国与美国（申办方或研究地点）",
        "studies": "研究数",
        "area": "疾病领域",
        "phase": "分期",
        "year": "开始年份",
        "group": "国家/地区",
        "table1_heading": "## 表1核对：论文所列产品与注册记录",
        "reference_heading": "## 注册库总数（引用值，2026-02-15）",
        "claims_heading": "## 论文论断核验",
        "live": "联网时运行以下命令可获得完整记录：",
        "none_selected": "按所选参数没有匹配的研究。",
        "source": "数据来源：美国国家医学图书馆 ClinicalTrials.gov（离线镜像中的部分导出）；分类规则见 exo_industry.sections.trials",
        "source_live": "数据来源：美国国家医学图书馆 ClinicalTrials.gov（API v2 实时检索）；分类规则见 exo_industry.sections.trials",
        "company": "公司",
        "product": "产品（论文）",
        "paper_indications": "适应证（论文）",
        "paper_phases": "分期（论文）",
        "registry_records": "注册号",
        "registry_phases": "分期（注册库）",
        "registry_detail": "注册记录详情",
        "status": "核对结果",
        "record": "注册号",
        "overall_status": "招募状态",
        "last_update": "最后更新",
        "conditions": "疾病/说明",
        "table1_records": "与各产品匹配的注册记录",
        "china_heading": "## 在中国开展的治疗性外泌体/胞外囊泡研究（注册记录）",
        "china_none": "所选记录中没有在中国开展的治疗性研究。",
        "nct_id": "注册号",
        "study_title": "研究题目（原文）",
        "lead_sponsor": "申办方",
        "start_year": "开始年份",
        "file": "文件",
        "kind": "类型",
        "route": "途径",
        "n_studies": "研究数",
        "ev_studies": "其中EV研究",
        "key": "编号",
        "what": "检索式",
        "citation": "出处",
    },
    "en": {
        "title": "# Exosome clinical trials (paper, sections 2.1.3 and 3.1, Figure 1, Table 1)",
        "intro": "The paper says exosome trials on ClinicalTrials.gov span oncology, respiratory, cardiovascular, CNS and more "
        "areas, oncology being the most numerous (Figure 1); that China's exosome R&D is all preclinical; and Table 1 lists six "
        "EV products in clinical stage. This section identifies extracellular-vesicle (EV) studies by written rules, tells "
        "therapeutic studies (EVs, exosomes, microvesicles or cell-conditioned medium/secretome given to people) from "
        "diagnostic/biomarker studies, assigns disease areas from MeSH branches or condition words, and separates China and "
        "the US by sponsor and sites.",
        "records_heading": "## Records this section rests on",
        "area_title": "EV studies by disease area (a study counts in each of its areas)",
        "phase_title": "By phase",
        "year_title": "By start year",
        "no_year": " ({n} more without a start date)",
        "country_title": "China and the US (sponsor or sites)",
        "studies": "Studies",
        "area": "Disease area",
        "phase": "Phase",
        "year": "Start year",
        "group": "Country",
        "table1_heading": "## Table 1 audit: the paper's products beside the registry",
        "reference_heading": "## Registry totals (cited, 2026-02-15)",
        "claims_heading": "## Checking the paper's claims",
        "live": "With a network, this command fetches the complete record set:",
        "none_selected": "No study matches the chosen parameters.",
        "source": "Source: US National Library of Medicine, ClinicalTrials.gov (partial exports in the offline mirror); rules in exo_industry.sections.trials",
        "source_live": "Source: US National Library of Medicine, ClinicalTrials.gov (API v2, live); rules in exo_industry.sections.trials",
        "company": "Company",
        "product": "Product (paper)",
        "paper_indications": "Indications (paper)",
        "paper_phases": "Phases (paper)",
        "registry_records": "NCT IDs",
        "registry_phases": "Phases (registry)",
        "registry_detail": "Registry records",
        "status": "Finding",
        "record": "Record",
        "overall_status": "Status",
        "last_update": "Last update",
        "conditions": "Conditions / note",
        "table1_records": "Registry records matched to each product",
        "china_heading": "## Therapeutic exosome/EV studies in China (registry records)",
        "china_none": "No therapeutic study in China among the selected records.",
        "nct_id": "Record",
        "study_title": "Title",
        "lead_sponsor": "Lead sponsor",
        "start_year": "Start year",
        "file": "File",
        "kind": "Kind",
        "route": "Route",
        "n_studies": "Studies",
        "ev_studies": "EV studies",
        "key": "Key",
        "what": "Query",
        "citation": "Source",
    },
}


PHASE_LABEL_ORDER = [
    "early phase 1",
    "phase 1",
    "phase 1/phase 2",
    "phase 2",
    "phase 2/phase 3",
    "phase 3",
    "phase 4",
    "not applicable",
    "not given",
]


def phase_order(labels) -> list[str]:
    """Phase labels in the registry's order (unknown combinations last, alphabetically)."""
    known = {p: i for i, p in enumerate(PHASE_LABEL_ORDER)}
    return sorted(set(labels), key=lambda p: (known.get(p, len(known)), p))


def phase_name(label: str, lang: str) -> str:
    if lang == "en":
        return label
    return "/".join(PHASE_NAMES_ZH.get(p, p) for p in str(label).split("/"))


def kinds_for(include_diagnostic: bool) -> list[str]:
    return ["therapeutic", "diagnostic"] if include_diagnostic else ["therapeutic"]


def wide(sel: pd.DataFrame, column: str, include_diagnostic: bool = True, order=None) -> pd.DataFrame:
    """Counts with one column per kind (therapeutic, diagnostic), for stacked bars."""
    kinds = kinds_for(include_diagnostic)
    if column == "area":
        t = by_area(sel)
    else:
        t = count_by(sel, column)
    if t.empty:
        return pd.DataFrame(columns=kinds)
    w = t.pivot_table(index=column, columns="ev_kind", values="studies", aggfunc="sum", fill_value=0)
    w = w.reindex(columns=kinds, fill_value=0)
    if order is not None:
        w = w.reindex([o for o in order if o in w.index])
    return w.astype(int)


def area_table(sel: pd.DataFrame, include_diagnostic: bool = True) -> pd.DataFrame:
    w = wide(sel, "area", include_diagnostic)
    if w.empty:
        return w
    total = w.sum(axis=1)
    return w.loc[total.sort_values(ascending=True, kind="mergesort").index]


def records_table(store: RawStore, entries, rows: pd.DataFrame) -> pd.DataFrame:
    """The stored files the section used, with how many studies and EV studies each holds."""
    ev_ids = set(rows.loc[rows["ev_kind"].isin(["therapeutic", "diagnostic"]), "nct_id"])
    out = []
    for e in entries:
        p = e.provenance
        ids = {st.nct_id for st in ctgov.parse(p.kind, store.read_bytes(e), e.name)}
        out.append(
            {
                "file": p.original_name or e.name,
                "kind": p.kind,
                "route": p.route,
                "n_studies": len(ids),
                "ev_studies": len(ids & ev_ids),
                "sha256": p.sha256[:12],
            }
        )
    return pd.DataFrame(out, columns=["file", "kind", "route", "n_studies", "ev_studies", "sha256"])
