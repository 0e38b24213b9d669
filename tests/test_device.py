"""Device choice: auto falls back to the CPU with one info line, a GPU id is required when given
(a failing one is a clear error naming it), -1 is the CPU; CUDA is mocked where absent."""
import logging

import pytest

import kcx_nlp
from kcx_nlp.training import device


@pytest.fixture
def required(monkeypatch):
    calls = []
    import thinc.api

    monkeypatch.setattr(thinc.api, "require_gpu", lambda gpu_id: calls.append(gpu_id) or True)
    return calls


def test_auto_without_cuda_uses_the_cpu_and_says_so(monkeypatch, caplog, required):
    monkeypatch.setattr(device, "gpu_count", lambda: 0)
    with caplog.at_level(logging.INFO, logger="kcx_nlp"):
        assert device.use_device("auto") == -1
    assert required == []
    assert [r.getMessage() for r in caplog.records if "device" in r.getMessage()] == [
        "kcx_nlp device: CPU (no usable GPU: install cupy and a CUDA build of torch to use one)"]


def test_auto_with_cuda_uses_gpu_0(monkeypatch, required):
    monkeypatch.setattr(device, "gpu_count", lambda: 2)
    assert device.use_device("auto") == 0 and required == [0]
    assert device.use_device("1") == 1 and required == [0, 1]


def test_cpu_and_bad_values(required):
    assert device.use_device(-1) == -1 and device.use_device("-1") == -1 and required == []
    with pytest.raises(ValueError, match="'cuda'"):
        device.resolve_gpu("cuda")


def test_a_gpu_id_that_fails_is_a_clear_error(monkeypatch):
    import thinc.api

    def fail(gpu_id):
        raise ValueError("No GPU devices detected")
    monkeypatch.setattr(thinc.api, "require_gpu", fail)
    with pytest.raises(RuntimeError, match=r"GPU 3 is not usable .*No GPU devices detected"):
        device.use_device(3)


def test_load_auto_without_cuda_runs_on_the_cpu(monkeypatch, tiny_model):
    monkeypatch.setattr(device, "gpu_count", lambda: 0)
    nlp = kcx_nlp.load(tiny_model[0], gpu="auto")
    assert nlp("Seoul Mayor Oh.").text == "Seoul Mayor Oh."
