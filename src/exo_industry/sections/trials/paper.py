"""The paper's values and the registry counts cited beside the records (no I/O, no prose).

Paper (2024): Figure 1 (exosome trials by disease area; 其中以肿瘤临床试验数量最多, "oncology
trials are the most numerous"), section 3.1 (我国目前外泌体研发均处于临床前阶段, "China's
exosome R&D is all preclinical") and Table 1 (表 1 全球进入临床阶段的外泌体药物: six products
in clinical stage, with indications and phases).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...references import Reference

NAME = "trials"
NOTEBOOK = "03_clinical_trials"
# the paper's section of each claim this section checks
CLAIM_SECTIONS = {"trials.oncology_most": "2.1.3", "trials.china_preclinical": "3.1", "trials.table1": "3.1"}


def claim_section(claim_id: str) -> str:
    return CLAIM_SECTIONS[claim_id]


# the paper's publication year: "China's R&D is all preclinical" is read as of its end
PAPER_YEAR = 2024

# --------------------------------------------------------------------------- cited counts
# The registry counts of a hand-recorded snapshot (source ``ctgov_counts``), read from the stored
# file by key: (reference key, the file's summary_counts key, what the search was).
SNAPSHOT_KEYS = (
    (
        "ctgov_ev_total",
        "total_ev_trials_condition_search",
        'condition search "extracellular vesicle(s)" OR exosome(s)',
    ),
    (
        "ctgov_ev_intervention",
        "total_ev_trials_intervention_search",
        "the same terms in the intervention field",
    ),
    ("ctgov_ev_interventional", "interventional_only", "condition search, interventional studies only"),
    (
        "ctgov_ev_cancer",
        "tumor_metastasis_plus_ev_broad_cancer_tumor",
        "EV terms AND (cancer OR tumor OR metastasis OR metastatic)",
    ),
    (
        "ctgov_ev_neurodegeneration",
        "neurodegeneration_plus_ev",
        "EV terms AND (neurodegeneration OR Alzheimer OR Parkinson OR ALS OR dementia)",
    ),
    ("ctgov_ev_cardiac", "cardiac_plus_ev", 'EV terms AND (cardiac OR myocardial OR "heart failure")'),
)
# The search behind each cited count, as the snapshot file's "queries" record it (its field
# "condition" is the API's ``query.cond``, "intervention" ``query.intr``): (field, Essie expression,
# study type or None). A live count (``exo-industry fetch ctgov --count-only``) is set beside a cited
# count only when it searched the same field with the same expression and filter.
_EV_ANY = '"extracellular vesicle" OR "extracellular vesicles" OR exosome OR exosomes'
_EV_AND = '("extracellular vesicle" OR exosome OR exosomes) AND '
CITED_QUERIES = {
    "ctgov_ev_total": ("query.cond", _EV_ANY, None),
    "ctgov_ev_intervention": ("query.intr", _EV_ANY, None),
    "ctgov_ev_interventional": ("query.cond", _EV_ANY, "INTERVENTIONAL"),
    "ctgov_ev_cancer": ("query.cond", _EV_AND + "(cancer OR tumor OR metastasis OR metastatic)", None),
    "ctgov_ev_neurodegeneration": (
        "query.cond",
        _EV_AND
        + '(neurodegeneration OR Alzheimer OR Parkinson OR "amyotrophic lateral sclerosis" OR dementia)',
        None,
    ),
    "ctgov_ev_cardiac": ("query.cond", _EV_AND + '(cardiac OR myocardial OR "heart failure")', None),
}
# the keys the oncology claim compares (cancer against the other areas the snapshot counted)
CITED_AREA_KEYS = {
    "oncology": "ctgov_ev_cancer",
    "nervous system": "ctgov_ev_neurodegeneration",
    "cardiovascular": "ctgov_ev_cardiac",
}
CITED_TOTAL_KEY = "ctgov_ev_total"
_SNAPSHOT_URL = (
    "https://github.com/MichaLie/ev-negative-space-framework/blob/"
    "d826654b5da6d40e75a62ab7abab7fa397128756/clinicaltrials_ev_snapshot.json"
)


def snapshot_references(snapshot: dict, citation: str) -> tuple[Reference, ...]:
    """The cited counts of one stored snapshot (``sources.ctgov_counts.load``), in ``SNAPSHOT_KEYS`` order.

    A key the file lacks is left out (the claim then says the count is missing).
    """
    counts = snapshot["counts"]
    return tuple(
        Reference(
            key=k,
            value=float(counts[src]),
            unit="studies",
            what=f"{what}, {snapshot['date']}",
            citation=citation,
            url=_SNAPSHOT_URL,
        )
        for k, src, what in SNAPSHOT_KEYS
        if src in counts
    )


# A systematic review of EV trials across public registries (abstract checked; per-category
# counts beyond the abstract are not cited): cancer is the most frequent application over all
# EV trials (mostly diagnostic); therapeutic trials are most often for respiratory illness.
MIZENKO_2024 = Reference(
    key="mizenko2024_ev_trials",
    value=471,
    unit="EV-related trials",
    what="EV-related clinical trials catalogued from public registries, for over 200 diseases; "
    "diagnostics and companion diagnostics the bulk, cancer the most frequent application; therapeutic "
    "trials mainly MSC EVs, most often for respiratory illness",
    citation="Mizenko RR et al., A critical systematic review of extracellular vesicle clinical trials, "
    "J Extracell Vesicles 2024;13(10):e12510, doi:10.1002/jev2.12510",
    url="https://doi.org/10.1002/jev2.12510",
)
REVIEW_LEAD_ALL = "oncology"  # Mizenko et al.: the most frequent application across all EV trials
REVIEW_LEAD_THERAPEUTIC = "respiratory"  # ... and among therapeutic trials

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
    "phase I, wound healing in healthy adults, registered in ANZCTR (ACTRN12619001378112, "
    "ACTRN12620000944932), not ClinicalTrials.gov",
    citation="ANZCTR records ACTRN12619001378112 and ACTRN12620000944932 (sponsor Exopharm Ltd); "
    "Johnson J et al., J Extracell Vesicles 2023, PMC10290200",
    url="https://www.anzctr.org.au/Trial/Registration/TrialReview.aspx?id=380050",
)


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
    indications_zh: str = ""  # the paper's own words


TABLE1 = (
    Product(
        "Aegle Therapeutics",
        "bone-marrow MSC extracellular vesicles (AGLE-102)",
        "骨髓间充质干细胞胞外囊泡 (AGLE-102)",
        "dystrophic epidermolysis bullosa; burns",
        ("PHASE2", "PHASE1"),
        r"\bAegle\b",
        r"AGLE[\s-]?102",
        indications_zh="营养不良性大疱性表皮松解症；烧伤",
    ),
    Product(
        "Codiak Biosciences",
        "engineered exosome exoSTING",
        "工程化外泌体 exoSTING",
        "solid tumours",
        ("PHASE2",),
        r"\bCodiak\b",
        r"exoSTING|CDK-002",
        indications_zh="实体瘤",
    ),
    Product(
        "Direct Biologics",
        "bone-marrow MSC-derived EVs (ExoFlo)",
        "骨髓间充质干细胞来源 EV (ExoFlo)",
        "refractory Crohn's disease; mild-to-moderate COVID-19",
        ("PHASE1", "PHASE2"),
        r"Direct Biologics",
        r"ExoFlo|\bDB-001\b",
        indications_zh="难治性克隆氏病；轻度至中度 COVID-19",
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
        indications_zh="COVID-19 中度至重度急性呼吸窘迫综合征",
    ),
    Product(
        "Brexogen",
        "MSC exosomes",
        "间充质干细胞外泌体",
        "poor wound healing",
        ("PHASE1",),
        r"Brexogen",
        r"\bBRE-[A-Z]{2}\d+",
        indications_zh="伤口愈合不良",
    ),
    Product(
        "Organicell",
        "perinatal acellular biologic Zofin",
        "围产期的无细胞生物治疗剂 Zofin™",
        "atopic dermatitis; long COVID-19",
        ("PHASE1", "PHASE2"),
        r"Organicell",
        r"Zofin",
        indications_zh="特应性皮炎；长期 COVID-19 症状",
    ),
)
