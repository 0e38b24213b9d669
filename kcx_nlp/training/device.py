"""Choosing the device for training and inference: GPU when one is usable, CPU otherwise."""
import logging
from typing import Union

logger = logging.getLogger("kcx_nlp")


def gpu_count() -> int:
    """Number of CUDA devices that spaCy/thinc can use (through cupy); 0 without cupy or GPU."""
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:
        return 0


def resolve_gpu(gpu: Union[str, int, None]) -> int:
    """``"auto"`` -> 0 if a GPU is usable else -1; an int (or its string) is taken as given."""
    if gpu is None or gpu == "auto":
        gpu_id = 0 if gpu_count() > 0 else -1
    else:
        gpu_id = int(gpu)
    logger.info("kcx_nlp device: %s", f"GPU {gpu_id}" if gpu_id >= 0 else "CPU")
    return gpu_id


def use_device(gpu: Union[str, int, None]) -> int:
    """Resolve ``gpu`` and make thinc use that device; returns the device id (-1 = CPU)."""
    gpu_id = resolve_gpu(gpu)
    if gpu_id >= 0:
        from thinc.api import require_gpu

        require_gpu(gpu_id)
    return gpu_id
