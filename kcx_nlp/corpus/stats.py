"""Corpus statistics and token-boundary alignment figures."""
from collections import Counter
from typing import Any, Dict, Iterable

from ..schema import LABELS, RELATIONS
from .records import Record


def corpus_stats(records: Iterable[Record]) -> Dict[str, Any]:
    """Count documents, entities per label and relations per label, overall and per language."""
    stats: Dict[str, Any] = {"documents": 0, "entities": Counter(), "relations": Counter(), "by_lang": {}}
    for record in records:
        lang = record.get("lang") or "unknown"
        part = stats["by_lang"].setdefault(
            lang, {"documents": 0, "entities": Counter(), "relations": Counter()}
        )
        for target in (stats, part):
            target["documents"] += 1
            target["entities"].update(e["label"] for e in record.get("entities", []))
            target["relations"].update(r["label"] for r in record.get("relations", []))
    return stats


def format_stats(stats: Dict[str, Any]) -> str:
    """Render :func:`corpus_stats` as a plain-text table."""
    langs = sorted(stats["by_lang"])
    header = f"{'':14}{'all':>8}" + "".join(f"{lang:>8}" for lang in langs)
    rows = [header, f"{'documents':14}{stats['documents']:>8}"
            + "".join(f"{stats['by_lang'][lang]['documents']:>8}" for lang in langs)]
    for kind, names in (("entities", LABELS), ("relations", tuple(RELATIONS))):
        total = sum(stats[kind].values())
        rows.append(f"{kind:14}{total:>8}" + "".join(
            f"{sum(stats['by_lang'][lang][kind].values()):>8}" for lang in langs))
        for name in names:
            rows.append(f"  {name:12}{stats[kind][name]:>8}" + "".join(
                f"{stats['by_lang'][lang][kind][name]:>8}" for lang in langs))
    return "\n".join(rows)


def alignment(records: Iterable[Record], nlp: Any) -> Dict[str, Dict[str, Any]]:
    """Share of gold entity spans that fall on token boundaries, per language and overall.

    Returns ``{lang: {"spans": n, "aligned": k, "ratio": k / n, "misaligned": [...]}}`` with
    key ``"all"`` for the total; ``misaligned`` lists ``(doc id, start, end, text)``.
    """
    out: Dict[str, Dict[str, Any]] = {}
    for record in records:
        doc = nlp.make_doc(record["text"])
        for ent in record["entities"]:
            ok = doc.char_span(ent["start"], ent["end"]) is not None
            for key in (record.get("lang") or "unknown", "all"):
                row = out.setdefault(key, {"spans": 0, "aligned": 0, "misaligned": []})
                row["spans"] += 1
                row["aligned"] += ok
                if not ok:
                    row["misaligned"].append(
                        (record["id"], ent["start"], ent["end"], record["text"][ent["start"]:ent["end"]])
                    )
    for row in out.values():
        row["ratio"] = row["aligned"] / row["spans"] if row["spans"] else 1.0
    return out
