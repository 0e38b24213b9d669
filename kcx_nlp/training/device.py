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
    """``"auto"`` (or ``None``) -> 0 if a GPU is usable else -1 (the CPU, said in one info line);
    ``-1`` -> the CPU; a GPU id (int or digits) is taken as given. Anything else is a ``ValueError``."""
    if gpu is None or gpu == "auto":
        gpu_id = 0 if gpu_count() > 0 else -1
        if gpu_id < 0:
            logger.info("kcx_nlp device: CPU (no usable GPU: install cupy and a CUDA build of torch to use one)")
            return -1
    else:
        try:
            gpu_id = int(gpu)
        except (TypeError, ValueError):
            raise ValueError(f"gpu must be 'auto', -1 (CPU) or a GPU id, got {gpu!r}") from None
        gpu_id = max(gpu_id, -1)
    logger.info("kcx_nlp device: %s", f"GPU {gpu_id}" if gpu_id >= 0 else "CPU")
    return gpu_id


def use_device(gpu: Union[str, int, None]) -> int:
    """Resolve ``gpu`` and make thinc use that device; returns the device id (-1 = CPU).

    An explicit GPU id that cannot be used raises a ``RuntimeError`` naming it (no silent CPU fallback:
    only ``"auto"`` falls back)."""
    gpu_id = resolve_gpu(gpu)
    if gpu_id >= 0:
        from thinc.api import require_gpu

        try:
            require_gpu(gpu_id)
        except Exception as e:
            raise RuntimeError(f"GPU {gpu_id} is not usable ({type(e).__name__}: {e}); "
                               f"use gpu='auto' or -1 for the CPU") from None
    return gpu_id
