"""Published figures used as cited constants (never computed, always with their source).

This module holds the ones the aging section needs; other sections keep theirs in
their own module, built from the same :class:`Reference` record.

Each entry: value(s), unit, what it is, and the citation with a URL. Sections import
these instead of writing numbers inline, so every number that does not come from a
data file can be traced to a publication.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    key: str
    value: float
    unit: str
    what: str
    citation: str
    url: str


CHINA_AGED60_END2022 = Reference(
    key="mca_2022_aged60_count",
    value=280.04,
    unit="million persons",
    what="people aged 60 and over in China at the end of 2022 (national figure)",
    citation="Ministry of Civil Affairs of the PRC and National Working Commission on Aging, "
    "2022 National Bulletin on the Development of Undertakings for the Aged (2023-12-14); "
    "the paper's reference [4]",
    url="https://www.mca.gov.cn/n152/n165/c166200499997999614/attr/315138.pdf",
)

CHINA_AGED60_SHARE_END2022 = Reference(
    key="mca_2022_aged60_share",
    value=19.8,
    unit="% of total population",
    what="share of people aged 60 and over in China at the end of 2022 (national figure)",
    citation=CHINA_AGED60_END2022.citation,
    url=CHINA_AGED60_END2022.url,
)
