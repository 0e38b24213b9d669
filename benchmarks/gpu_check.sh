#!/usr/bin/env bash
# GPU check (issue 16), for a machine with a CUDA GPU; about 10 minutes. From the repository root, in a
# virtual environment where `pip install -e ".[test]"` was run:
#   bash benchmarks/gpu_check.sh            # optionally: HUB_MODEL=xlm-roberta-base bash benchmarks/gpu_check.sh
# 1. installs the CUDA build of torch and cupy; 2. trains the CNN pipeline and the transformer pipeline
# (a tiny local BERT; also HUB_MODEL when the hub is reachable) for a bounded number of steps on GPU 0;
# 3. runs python -m kcx_nlp.benchmark.gpu: entity agreement of GPU and CPU on the seeds, words/s on each.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-/tmp/kcx-gpu-check}"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
CUDA_MAJOR="$(nvidia-smi | sed -n 's/.*CUDA Version: \([0-9]*\)\..*/\1/p' | head -1)"
pip install --quiet "torch==2.13.0" --index-url "https://download.pytorch.org/whl/cu${CUDA_MAJOR}8" \
    || pip install --quiet "torch==2.13.0" --index-url "https://download.pytorch.org/whl/cu${CUDA_MAJOR}4"
pip install --quiet "cupy-cuda${CUDA_MAJOR}x"
python -c "import torch, cupy; assert torch.cuda.is_available(); print('torch', torch.__version__, 'cupy', cupy.__version__)"

python -m kcx_nlp.train --config training/configs/ner_cnn.cfg --output "$OUT/cnn" --gpu 0 \
    --set training.max_steps=600 --set training.eval_frequency=200
python - "$OUT/tiny-bert" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "tests")
from test_train import make_tiny_bert
make_tiny_bert(Path(sys.argv[1]))
PY
python -m kcx_nlp.train --config training/configs/ner_trf.cfg --output "$OUT/trf-tiny" --gpu 0 \
    --set paths.transformer="$OUT/tiny-bert" --set paths.transformer_width=32 \
    --set training.max_steps=300 --set training.eval_frequency=100
MODELS=(--model models/kcx_core --model "$OUT/cnn" --model "$OUT/trf-tiny")
if [ -n "${HUB_MODEL:-}" ]; then
    python -m kcx_nlp.train --config training/configs/ner_trf.cfg --output "$OUT/trf-hub" --gpu 0 \
        --set paths.transformer="$HUB_MODEL" --set training.max_steps=600 --set training.eval_frequency=200 \
        && MODELS+=(--model "$OUT/trf-hub")
fi
python -m kcx_nlp.benchmark.gpu "${MODELS[@]}" --output "$OUT/gpu.json"
cp "$OUT/gpu.json" benchmarks/results/gpu.json
echo "GPU check done: benchmarks/results/gpu.json" >&2
