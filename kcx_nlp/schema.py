"""The label scheme of the annotation guidelines: entity labels and relation signatures."""
from typing import Dict, Tuple

OFFICIAL = "OFFICIAL"
TITLE = "TITLE"
JURISDICTION = "JURISDICTION"
DATE = "DATE"
AGREEMENT = "AGREEMENT"

#: Entity labels, in the order the guidelines list them.
LABELS: Tuple[str, ...] = (OFFICIAL, TITLE, JURISDICTION, DATE, AGREEMENT)

#: Relation label -> (head label, tail label).
RELATIONS: Dict[str, Tuple[str, str]] = {
    "HAS_TITLE": (OFFICIAL, TITLE),
    "OFFICIAL_OF": (OFFICIAL, JURISDICTION),
    "PARTY_TO": (JURISDICTION, AGREEMENT),
    "SIGNATORY": (OFFICIAL, AGREEMENT),
    "SIGNED_ON": (AGREEMENT, DATE),
}

#: Document languages allowed in records.
LANGS: Tuple[str, ...] = ("en", "ko", "mixed")
