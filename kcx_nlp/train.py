"""``python -m kcx_nlp.train``: train a kcx pipeline from a config and the project's annotations.

    python -m kcx_nlp.train --config training/configs/ner_cnn.cfg --output models/kcx_core

Steps: the records in ``annotations/train`` and ``annotations/dev`` become DocBins; spaCy trains
the config on them (fixed seed; GPU with ``--gpu auto`` when one is usable, else CPU); dev picks
the checkpoint and tunes the relation thresholds; the model is copied to ``--output`` with
``metrics.json`` (device, training time, thresholds and the dev figures, labelled ``dev_tuning``:
dev is used for tuning, so they are no held-out figures). Training never opens the held-out sets
(``annotations/test``, the seed articles in ``annotations/gold``): the headline figures come from

    python -m kcx_nlp.benchmark.accuracy --model models/kcx_core

which adds ``test`` and ``seeds`` to ``metrics.json``.
"""
import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "training" / "configs" / "ner_cnn.cfg"
DEFAULT_OUTPUT = ROOT / "models" / "kcx_core"


def held_out_dirs() -> Tuple[Path, Path]:
    """Held-out data that no training or tuning step may read: the frozen test split and the seed articles."""
    return ROOT / "annotations" / "test", ROOT / "annotations" / "gold"

logger = logging.getLogger("kcx_nlp")


def _records(paths: Sequence[Path]) -> List[dict]:
    from .corpus import read_records

    return [r for path in paths for r in read_records(path)]


def _display_path(path: Path) -> str:
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def check_not_held_out(paths: Sequence[Path]) -> None:
    """Refuse training or dev files that lie in a held-out folder (checked by path, without opening them)."""
    held_out = [h.resolve() for h in held_out_dirs()]
    bad = [str(p) for p in paths if any(Path(p).resolve().is_relative_to(h) for h in held_out)]
    if bad:
        raise SystemExit(f"held-out data (test split or seed articles) given as training or dev data: {bad}")


def tune_relation_thresholds(nlp: Any, records: Sequence[dict]) -> Optional[Dict[str, float]]:
    """Tune the relation extractor's per-relation thresholds on gold ``records`` (dev), end to end:
    the candidates are the entities the pipeline's own NER finds, as at run time."""
    if "relation_extractor" not in nlp.pipe_names:
        return None
    from spacy.training import Example

    from .corpus import record_to_doc

    examples = []
    for record in records:
        pred = nlp.make_doc(record["text"])
        for name, proc in nlp.pipeline:
            if name == "relation_extractor":
                break
            pred = proc(pred)  # tok2vec tensors, the NER's entities and sentences for the extractor
        examples.append(Example(pred, record_to_doc(nlp, record)))
    return nlp.get_pipe("relation_extractor").tune_thresholds(examples)


def train(
    config: Path = DEFAULT_CONFIG,
    output: Path = DEFAULT_OUTPUT,
    train_files: Optional[Sequence[Path]] = None,
    dev_files: Optional[Sequence[Path]] = None,
    gpu: str = "auto",
    seed: int = 0,
    overrides: Optional[Dict[str, Any]] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Train, tune on dev and save a pipeline; returns the metrics written to ``output/metrics.json``.

    ``name`` is the pipeline's name (its package is ``xx_<name>``): by default ``kcx_trf`` for a
    pipeline with a transformer, else ``kcx_core``. Only ``train_files`` and ``dev_files`` are read (default: every ``*.jsonl`` in ``annotations/train``
    and ``annotations/dev``); files in a held-out folder are refused.
    """
    import spacy
    from spacy.cli.train import train as spacy_train

    from . import blank
    from .about import __version__
    from .corpus import records_to_docbin
    from .evaluate import evaluate_pipeline
    from .training.device import resolve_gpu

    train_files = list(train_files or sorted((ROOT / "annotations" / "train").glob("*.jsonl")))
    dev_files = list(dev_files or sorted((ROOT / "annotations" / "dev").glob("*.jsonl")))
    if not train_files or not dev_files:
        raise SystemExit("no training or dev files: build them with `python -m kcx_nlp.corpus build`")
    check_not_held_out(train_files + dev_files)
    train_records, dev_records = _records(train_files), _records(dev_files)
    gpu_id = resolve_gpu(gpu)
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="kcx-train-") as tmp:
        tmp = Path(tmp)
        nlp = blank()
        records_to_docbin(nlp, train_records).to_disk(tmp / "train.spacy")
        records_to_docbin(nlp, dev_records).to_disk(tmp / "dev.spacy")
        all_overrides = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy"),
                         "system.seed": seed}
        all_overrides.update(overrides or {})
        logger.info("training %s on %d documents (dev %d) on %s", config, len(train_records), len(dev_records),
                    f"GPU {gpu_id}" if gpu_id >= 0 else "CPU")
        start = time.perf_counter()
        spacy_train(Path(config), tmp / "out", use_gpu=gpu_id, overrides=all_overrides)
        seconds = time.perf_counter() - start
        best = spacy.load(tmp / "out" / "model-best")
        name = name or ("kcx_trf" if "transformer" in best.pipe_names else "kcx_core")
        thresholds = tune_relation_thresholds(best, dev_records)
        best.meta.update({
            "name": name, "version": __version__, "license": "MIT",
            "description": "kcx_nlp: officials, titles, jurisdictions, dates and agreements in Korean/English "
                           "local-diplomacy news (trained on the project's own written corpus)",
        })
        if output.exists():
            shutil.rmtree(output)
        best.to_disk(output)  # saved before evaluating, so a failing evaluation never loses the model
    metrics: Dict[str, Any] = {
        "config": _display_path(config),
        "seed": seed,
        "device": f"GPU {gpu_id}" if gpu_id >= 0 else "CPU",
        "train_documents": len(train_records),
        "train_seconds": round(seconds, 1),
        "relation_thresholds": thresholds,
        "dev_tuning": evaluate_pipeline(best, dev_records, with_parts=False),
    }
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return metrics


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of ``python -m kcx_nlp.train``."""
    from .cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.train", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="training config (.cfg)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder the trained pipeline is saved to")
    parser.add_argument("--train", type=Path, nargs="*", help="record JSONL files (default annotations/train/*.jsonl)")
    parser.add_argument("--dev", type=Path, nargs="*",
                        help="record JSONL files for checkpoint choice and threshold tuning (default annotations/dev/*.jsonl)")
    parser.add_argument("--gpu", default="auto", help="auto (GPU if usable, else CPU), -1 (CPU) or a GPU id")
    parser.add_argument("--seed", type=int, default=0, help="random seed (training is reproducible for a seed)")
    parser.add_argument("--name", help="pipeline name, packaged as xx_NAME (default: kcx_trf with a transformer, else kcx_core)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="config override, e.g. --set training.max_steps=200")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    metrics = train(args.config, args.output, args.train, args.dev, args.gpu, args.seed, overrides, args.name)
    m = metrics["dev_tuning"]
    print(f"dev (tuning, not held out): entities F {m['spans']['micro']['f']:.3f}, "
          f"relations end to end F {m['relations_end_to_end']['micro']['f']:.3f}")
    print(f"saved to {args.output} ({metrics['train_seconds']} s on {metrics['device']}); held-out figures: "
          f"python -m kcx_nlp.benchmark.accuracy --model {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
