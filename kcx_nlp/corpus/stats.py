"""Corpus statistics and token-boundary alignment figures."""
import statistics
from collections import Counter
from typing import Any, Dict, Iterable, List

from ..schema import LABELS, RELATIONS
from .records import Record


#: Relations that say a signing happened (or will): a document with none of them reports no signing.
SIGNING_RELATIONS = ("SIGNATORY", "SIGNED_ON")


def _new_part() -> Dict[str, Any]:
    return {"documents": 0, "entities": Counter(), "relations": Counter(), "lengths": [], "signing": 0,
            "outlets": Counter()}


def _shape(part: Dict[str, Any]) -> Dict[str, Any]:
    """Turn the collected lengths into the shape figures (median, long tail, density, signing share)."""
    lengths: List[int] = part.pop("lengths")
    n_ents = sum(part["entities"].values())
    part["chars"] = {
        "median": statistics.median(lengths) if lengths else 0,
        "over_3000": sum(n > 3000 for n in lengths) / len(lengths) if lengths else 0.0,
        "entities_per_1000": 1000 * n_ents / sum(lengths) if sum(lengths) else 0.0,
    }
    part["signing_share"] = part["signing"] / part["documents"] if part["documents"] else 0.0
    return part


def corpus_stats(records: Iterable[Record]) -> Dict[str, Any]:
    """Count documents, entities and relations per label, overall and per language, and the corpus' shape.

    Shape figures per part: median length in characters, share of documents over 3,000 characters,
    entities per 1,000 characters, share of documents that report a signing (a SIGNATORY or
    SIGNED_ON relation), and documents per ``meta.outlet``.
    """
    stats: Dict[str, Any] = _new_part()
    stats["by_lang"] = {}
    for record in records:
        lang = record.get("lang") or "unknown"
        part = stats["by_lang"].setdefault(lang, _new_part())
        rel_labels = [r["label"] for r in record.get("relations", [])]
        for target in (stats, part):
            target["documents"] += 1
            target["entities"].update(e["label"] for e in record.get("entities", []))
            target["relations"].update(rel_labels)
            target["lengths"].append(len(record["text"]))
            target["signing"] += any(label in SIGNING_RELATIONS for label in rel_labels)
            target["outlets"][(record.get("meta") or {}).get("outlet") or "unknown"] += 1
    _shape(stats)
    for part in stats["by_lang"].values():
        _shape(part)
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
    parts = [stats] + [stats["by_lang"][lang] for lang in langs]
    rows.append(f"{'median chars':14}" + "".join(f"{p['chars']['median']:>8.0f}" for p in parts))
    rows.append(f"{'% over 3000':14}" + "".join(f"{100 * p['chars']['over_3000']:>8.1f}" for p in parts))
    rows.append(f"{'ents/1000 ch':14}" + "".join(f"{p['chars']['entities_per_1000']:>8.1f}" for p in parts))
    rows.append(f"{'% signing':14}" + "".join(f"{100 * p['signing_share']:>8.1f}" for p in parts))
    outlets = sorted(stats["outlets"])
    if outlets != ["unknown"]:
        rows.append("outlets")
        for name in outlets:
            rows.append(f"  {name:12}{stats['outlets'][name]:>8}" + "".join(
                f"{stats['by_lang'][lang]['outlets'][name]:>8}" for lang in langs))
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
