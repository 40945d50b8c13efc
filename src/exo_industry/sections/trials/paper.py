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
