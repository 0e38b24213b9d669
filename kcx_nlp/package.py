"""``python -m kcx_nlp.package``: build the pip-installable wheel of a trained kcx pipeline.

    python -m kcx_nlp.package models/kcx_core --output models

runs ``spacy package`` on the pipeline folder (package ``xx_kcx_core``, requiring ``kcx-nlp``
for the tokenizer and architectures, and Kiwi) and copies the wheel into ``--output``.
``SOURCE_DATE_EPOCH`` is fixed so that the same pipeline gives the same archive contents.
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

import srsly

from .about import __version__

REQUIREMENTS = [
    f"kcx-nlp>={__version__}",
    "kiwipiepy>=0.24,<0.25",
    "kiwipiepy-model>=0.24,<0.25",
]


def build_wheel(model_dir: Path, output_dir: Path) -> Path:
    """Package ``model_dir`` as a wheel into ``output_dir``; returns the wheel's path."""
    from spacy.cli.package import package

    model_dir, output_dir = Path(model_dir), Path(output_dir)
    meta = srsly.read_json(model_dir / "meta.json")
    meta["requirements"] = sorted(set(meta.get("requirements", [])) | set(REQUIREMENTS))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    with tempfile.TemporaryDirectory(prefix="kcx-package-") as tmp:
        tmp = Path(tmp)
        meta_path = tmp / "meta.json"
        srsly.write_json(meta_path, meta)
        package(model_dir, tmp, meta_path=meta_path, code_paths=[], name=meta["name"], version=meta["version"],
                create_meta=False, create_sdist=False, create_wheel=True, force=True, silent=True)
        wheels = list(tmp.glob("*/dist/*.whl"))
        if not wheels:
            raise RuntimeError(f"spacy package produced no wheel for {model_dir}")
        output_dir.mkdir(parents=True, exist_ok=True)
        target = output_dir / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of ``python -m kcx_nlp.package``."""
    from .cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.package", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, nargs="?", default=Path("models/kcx_core"), help="trained pipeline folder")
    parser.add_argument("--output", type=Path, default=Path("models"), help="folder the wheel is written to")
    args = parser.parse_args(argv)
    print(build_wheel(args.model, args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
