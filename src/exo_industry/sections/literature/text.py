"""Literature words: evidence and tables rendered in each language from ``text/<lang>.yaml``.

Nothing here decides anything: the verdicts and numbers come from :mod:`.claims`; this
module chooses the template for each case and fills it in.
"""

from __future__ import annotations

import gettext
import re
from typing import Any

from ... import i18n
from ..._lazy import pd
from ...claims import Claim, Evidence, make_claim
from ...sources import ev_atlas, openalex
from . import published, rules

NAME = "literature"
NOTEBOOK = "04_literature_trends"
SECTION = "2.2.1"  # the paper's section
COMMAND_LIVE = openalex.live_command()


def t(lang: str, key: str, /, **values: Any) -> str:
    return i18n.text(NAME, lang, key, **values)


def lookup(lang: str, group: str, key: str) -> str:
    """``group.key`` in ``lang``, the key itself where the file has no words for it."""
    return i18n.texts(NAME, lang).get(f"{group}.{key}", key)


def labels(lang: str) -> dict[str, str]:
    """The notebook's labels (headings, axis titles, notices)."""
    return i18n.labels(NAME, lang, "labels")


# --------------------------------------------------------------------------- names
def source_label(src: str, lang: str) -> str:
    """The reader's-language name of a series' source (the code itself when unknown)."""
    return lookup(lang, "sources", src)


def topic_label(topic: str, lang: str) -> str:
    return i18n.template(NAME, lang, f"topics.{topic}")


def country_name(code: str, lang: str) -> str:
    """A country's name: our Chinese names first, else pycountry's (and its Chinese catalogue)."""
    if lang == "zh" and f"countries.{code}" in i18n.texts(NAME, lang):
        return t(lang, f"countries.{code}")
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    name = getattr(c, "common_name", None) or (c.name if c else code)
    if lang == "zh" and c is not None:  # pycountry ships the iso3166-1 names in Chinese
        try:
            return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext(name)
        except OSError:
            pass
    return name


def series_caption(view: dict, lang: str) -> str:
    return labels(lang)["series_used"].format(
        source=source_label(view["source"], lang),
        counting=t(lang, f"counting.{view['counting']}"),
        scope=t(lang, f"scope.{view['china_scope']}"),
    )


# --------------------------------------------------------------------------- claims
def _published_values() -> dict[str, Any]:
    pub = published.by_key()
    return {
        "us_share": pub["wang2017_us_share"].value,
        "wang_total": int(pub["wang2017_total"].value),
        "cn_share": pub["zhang2022_china_share"].value,
        "zhang_total": int(pub["zhang2022_total"].value),
        "zhang_2021": int(pub["zhang2022_2021"].value),
        "lin_total": int(pub["lin2022_total"].value),
        "zhao_total": int(pub["zhao2024_total"].value),
        "wang_doi": published.WANG_DOI,
        "zhang_doi": published.ZHANG_DOI,
        "lin_doi": published.LIN_DOI,
        "zhao_doi": published.ZHAO_DOI,
        "wang_url": published.WANG_URL,
        "zhang_url": published.ZHANG_URL,
        "lin_url": published.LIN_URL,
        "zhao_url": published.ZHAO_URL,
        "command": COMMAND_LIVE,
        "since": rules.SINCE,
        **_subfield_values(),
    }


def _subfield_values() -> dict[str, Any]:
    sf = {s.key: s for s in published.subfields()}
    out: dict[str, Any] = {}
    for key, s in sf.items():
        out |= {f"{key}_cn": s.cn, f"{key}_us": s.us, f"{key}_total": s.papers, f"{key}_period": s.period}
        out |= {f"{key}_doi": s.url.removeprefix("https://doi.org/"), f"{key}_cn_share": s.cn_share}
        out[f"{key}_us_share"] = s.us_share
    return out


def _china_decided(ev: Evidence, lang: str, pv: dict) -> dict[str, str]:
    k = "claims.china_vs_us.decided."
    v = dict(ev.values)
    src, rule, scope = v["source"], v["counting"], v["china_scope"]
    if lang == "zh":
        names = {
            "source": lookup(lang, "short.source", src),
            "counting": t(lang, f"short.counting.{rule}"),
            "china_scope": lookup(lang, "short.scope", scope),
        }
        passed = t(lang, k + "pass", first_pass=v["first_pass"]) if v["first_pass"] else None
        rank = "rank_same" if v["rank_min"] == v["rank_max"] else "rank_range"
        value_fill = {"rank": t(lang, k + rank, **v), "pass_value": passed or t(lang, k + "no_pass_value")}
        reason_fill = {"pass_reason": passed or t(lang, k + "no_pass_reason")}
        note_source = source_label(src, lang)
    else:
        names = {"source": src, "counting": rule, "china_scope": scope}
        value_fill = {"first_pass": v["first_pass"] or t(lang, k + "no_pass_value")}
        reason_fill = {"first_pass": v["first_pass"] or t(lang, k + "no_pass_reason")}
        note_source = src
    first = t(lang, k + ("first_every_year" if v["always_first"] else "not_always_first"))
    fill = {**v, **names}
    return {
        "reproduced_value": t(lang, k + "reproduced_value", **{**v, **value_fill}),
        "unit": t(lang, k + "unit"),
        "reason": t(lang, k + "reason", **{**fill, **reason_fill, "first": first}),
        "source": t("en", k + "source", source=src, counting=rule, china_scope=scope),
        "note": t(
            lang,
            k + "note",
            source=note_source,
            counting=rule if lang == "en" else t(lang, f"counting.{rule}"),
            scope_label=t(lang, f"scope.{scope}"),
            pubmed_caveat=t(lang, "claims.pubmed_caveat") if src == "pubmed" else "",
            published=pv["published"],
        ),
    }


def _china_offline(ev: Evidence, lang: str, pv: dict) -> dict[str, str]:
    k = "claims.china_vs_us.offline."
    reason = "reason_no_year" if ev["picked"] else "reason_no_series"
    return {
        "reproduced_value": t(lang, k + "reproduced_value", **pv),
        "unit": t(lang, k + "unit"),
        "reason": t(lang, k + reason, **pv),
        "source": t("en", k + "source"),
        "note": t(lang, k + "note", **pv),
    }


def _topics_decided(ev: Evidence, lang: str, pv: dict) -> dict[str, str]:
    k = "claims.topics.decided."
    v = dict(ev.values)
    min_share = ev.thresholds["topic_min_share"]
    topic = (lambda x: lookup(lang, "topics", x)) if lang == "zh" else (lambda x: x)
    shares = t(lang, k + "share_sep").join(
        t(lang, k + "share", topic=topic(name), share=s) for name, s in v["shares"].items()
    )
    failing = ([] if v["growing"] else [t(lang, k + "fail_growth")]) + (
        [] if v["focus"] else [t(lang, k + "fail_focus", min_share=min_share)]
    )
    fails = t(lang, k + "fails", failing=t(lang, k + "fail_sep").join(failing)) if failing else ""
    src = lookup(lang, "short.source", v["source"]) if lang == "zh" else v["source"]
    return {
        "reproduced_value": t(lang, k + "reproduced_value", **{**v, "shares": shares}),
        "unit": t(lang, k + "unit"),
        "reason": t(
            lang,
            k + "reason",
            source=src,
            growth_word=t(lang, k + ("grows" if v["growing"] else "not_growing")),
            focus_word=t(lang, k + ("focus" if v["focus"] else "no_focus"), min_share=min_share),
            fails=fails,
        ),
        "source": t("en", k + "source", source=v["source"]),
        "note": t(lang, k + "note", published=pv["published"]),
    }


def _topics_offline(ev: Evidence, lang: str, pv: dict) -> dict[str, str]:
    k = "claims.topics.offline."
    first, last = rules.CONTEXT_YEARS
    context = (
        t(lang, k + "context", first=first, last=last, **ev.values) if "context_first" in ev.values else ""
    )
    return {
        "reproduced_value": t(lang, k + "reproduced_value", **pv),
        "unit": t(lang, k + "unit"),
        "reason": t(lang, k + "reason"),
        "source": t("en", k + "source"),
        "note": t(lang, k + "note", **{**pv, "context": context}),
    }


def _topics_atlas(ev: Evidence, lang: str, pv: dict) -> dict[str, str]:
    """lit.topics decided on the EV atlas (Chaudhari et al. 2026)."""
    k = "claims.topics.atlas."
    v = dict(ev.values)
    checks = (("growing", "growth"), ("stem_focus", "stem"), ("ther_focus", "ther"))
    fill = {
        **v,
        **{f"th_{n}": x for n, x in ev.thresholds.items()},
        "doi": ev_atlas.DOI_URL.removeprefix("https://doi.org/"),
    }
    parts = [t(lang, k + name + ("_ok" if v[flag] else "_fail"), **fill) for flag, name in checks]
    return {
        "reproduced_value": t(lang, k + "reproduced_value", **fill),
        "unit": t(lang, k + "unit"),
        "reason": t(lang, k + "sep").join(parts),
        "source": t("en", k + "source", **fill),
        "note": t(lang, k + "note", **fill),
    }


RENDERERS = {
    ("lit.china_vs_us", True): _china_decided,
    ("lit.china_vs_us", False): _china_offline,
    ("lit.topics", True): _topics_decided,
    ("lit.topics", False): _topics_offline,
}


def claim_text(ev: Evidence, lang: str) -> dict[str, str]:
    """The words of one claim in ``lang``: statement, paper value, reproduced value, unit,
    reason, note (and the English ``source``)."""
    name = ev.claim_id.split(".", 1)[1]
    pv = _published_values()
    pv["published"] = t(lang, "claims.published", **pv)
    if ev.values.get("source") == "ev_atlas":
        render = _topics_atlas
    else:
        render = RENDERERS[(ev.claim_id, ev.verdict != "not checkable offline")]
    return {
        "statement": t(lang, f"claims.{name}.statement"),
        "paper_value": t(lang, f"claims.{name}.paper_value"),
        **render(ev, lang, pv),
    }


def claim(ev: Evidence) -> Claim:
    en, zh = claim_text(ev, "en"), claim_text(ev, "zh")
    return make_claim(ev, section=SECTION, notebook=NOTEBOOK, source=en["source"], en=en, zh=zh)


# --------------------------------------------------------------------------- notebook text
def not_processed(missing: list[str], lang: str, command: str) -> str:
    return labels(lang)["not_processed"].format(tables=", ".join(missing), command=command)


def live_hint(commands: list[str], lang: str) -> str:
    return labels(lang)["live_hint"] + "\n" + "\n".join(commands)


def crossover_note(view: dict, lang: str) -> str:
    """The series caption and the year China first passed the US (or that it never did)."""
    lab, year = labels(lang), view["first_year_ahead"]
    return (
        series_caption(view, lang)
        + "\n"
        + (lab["crossover"].format(year=year) if year else lab["no_crossover"])
    )


def rank_display(view: dict, lang: str) -> pd.DataFrame:
    """Countries in rows, years in columns, ranks in cells (blank: no papers that year)."""
    lab = labels(lang)
    rk = view["ranks"].pivot_table(index="country", columns="year", values="rank").astype("Int64")
    rk.index = [country_name(c, lang) for c in rk.index]
    rk.columns.name = lab["year"]
    rk = rk.astype(object).where(rk.notna(), "")
    return rk.reset_index().rename(columns={"index": lab["country"]})


def published_view(pub: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The cited figures for display in ``lang``: what each figure is and its unit in the
    reader's language, values printed as published (1852, 38.8), headers from the labels."""
    lab = labels(lang)
    cols = ["what", "value", "unit", "period", "database"]  # the DOIs are links in the sources list below
    out = pub[["key"] + cols].copy()
    out["what"] = [
        i18n.texts(NAME, lang).get(f"published.what.{k}", w)
        for k, w in zip(out["key"], out["what"], strict=True)
    ]
    out["unit"] = [lookup(lang, "published.unit", u) for u in out["unit"]]
    out["value"] = [f"{float(v):g}" for v in out["value"]]
    return out[cols].rename(columns={c: lab[c] for c in cols}).reset_index(drop=True)


def _doi_link(url: str) -> str:
    """A Markdown link showing the DOI (or the address) of ``url``."""
    shown = "doi:" + url.removeprefix("https://doi.org/") if url.startswith("https://doi.org/") else url
    return f"[{shown}]({url})"


def sources_markdown(pub: pd.DataFrame, lang: str) -> str:
    """Every cited study once, as a Markdown list with its DOI as a link (our own constants:
    nothing to escape): the studies of the published table, then the sub-field studies."""
    cites = list(dict.fromkeys(zip(pub["citation"], pub["url"], strict=True)))
    cites += [(s.citation, s.url) for s in published.subfields()]
    cites.append((published.ATLAS_2026, ev_atlas.DOI_URL))
    items = []
    for c, u in dict.fromkeys(cites):
        doi = re.search(r"doi:(\S+?)\.?(?:\s|$)", c)
        link = _doi_link(f"https://doi.org/{doi.group(1)}") if doi else _doi_link(u)
        items.append(f"- {c[: doi.start()].rstrip() if doi else c} {link}")
    items = "\n".join(items)
    return labels(lang)["sources_heading"] + "\n\n" + items


def subfield_label(s: published.Subfield, lang: str) -> str:
    return t(lang, f"subfields.{s.key}")


def subfields_markdown(lang: str, command: str = COMMAND_LIVE) -> str:
    """The published China/US sub-field figures as a Markdown table, DOIs as links."""
    lab = labels(lang)
    head = [lab[k] for k in ("sf_field", "period", "sf_total", "sf_cn", "sf_us", "sf_leader", "sf_source")]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def count(n, share):
        if n is None:
            return "—"
        return f"{n} ({share:g}%)" if share is not None else f"{n}"

    for s in published.subfields():
        cells = [
            subfield_label(s, lang),
            s.period,
            f"{s.papers}",
            count(s.cn, s.cn_share),
            count(s.us, s.us_share),
            country_name(s.leader, lang),
            _doi_link(s.url),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n\n" + lab["subfields_note"].format(command=command)


def atlas_label(group: str, key: str, lang: str) -> str:
    """The reader's-language name of an EV atlas category, cell source or loading method."""
    return lookup(lang, f"atlas.{group}", key)


def context_caption(lang: str, partial: list[int] | None = None) -> str:
    lab = labels(lang)
    left_out = lab["partial"].format(years=", ".join(map(str, partial))) if partial else ""
    return t(lang, "context_caption", source_note=lab["source_note"], partial=left_out)


def context_label(context: str, lang: str) -> str:
    return t(lang, f"contexts.{context}")
