"""Tests of lecturelib.loader.TensorLoader."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturelib.loader import TensorLoader


def _data(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """x[i] = i (as a (2,)-vector), y[i] = 10 i: batches reveal which samples they hold."""
    x = torch.arange(n, dtype=torch.float32)[:, None].repeat(1, 2)
    y = torch.arange(n) * 10
    return x, y


def _epoch(loader: TensorLoader) -> list[int]:
    """The sample indices of one epoch, in order, checking that x and y stay paired."""
    order: list[int] = []
    for xb, yb in loader:
        assert torch.equal(xb[:, 0].long() * 10, yb)
        order += xb[:, 0].long().tolist()
    return order


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("n, batch_size", [(10, 4), (12, 4), (7, 1), (5, 8)])
def test_one_epoch_visits_every_sample_once(shuffle, n, batch_size) -> None:
    loader = TensorLoader(*_data(n), batch_size=batch_size, shuffle=shuffle, seed=0)
    for _ in range(2):
        order = _epoch(loader)
        assert sorted(order) == list(range(n))
    if not shuffle:
        assert order == list(range(n))


def test_batch_shapes() -> None:
    x = torch.rand(10, 3, 4, 5)
    y = torch.randint(0, 3, (10,))
    loader = TensorLoader(x, y, batch_size=4, seed=0)
    shapes = [(tuple(xb.shape), tuple(yb.shape)) for xb, yb in loader]
    assert shapes == [((4, 3, 4, 5), (4,)), ((4, 3, 4, 5), (4,)), ((2, 3, 4, 5), (2,))]
    batches = list(TensorLoader(x, y, batch_size=4, seed=0, drop_last=True))
    assert [tuple(xb.shape) for xb, _ in batches] == [(4, 3, 4, 5), (4, 3, 4, 5)]
    assert all(xb.dtype == torch.float32 and yb.dtype == torch.int64 for xb, yb in batches)


def test_len_with_and_without_drop_last() -> None:
    x, y = _data(10)
    assert len(TensorLoader(x, y, batch_size=4)) == 3
    assert len(TensorLoader(x, y, batch_size=4, drop_last=True)) == 2
    assert len(TensorLoader(x, y, batch_size=5)) == 2
    assert len(TensorLoader(x, y, batch_size=5, drop_last=True)) == 2
    assert len(TensorLoader(x, y, batch_size=11)) == 1
    assert len(TensorLoader(x, y, batch_size=11, drop_last=True)) == 0
    assert list(TensorLoader(x, y, batch_size=11, drop_last=True)) == []


def test_drop_last_visits_distinct_samples() -> None:
    loader = TensorLoader(*_data(10), batch_size=4, drop_last=True, seed=3)
    order = _epoch(loader)
    assert len(order) == 8 == len(set(order))
    assert len(list(loader)) == len(loader)


def test_shuffled_order_is_randperm_of_the_seeded_generator() -> None:
    n = 23
    loader = TensorLoader(*_data(n), batch_size=5, seed=1234)
    gen = torch.Generator().manual_seed(1234)
    for _ in range(3):
        assert _epoch(loader) == torch.randperm(n, generator=gen).tolist()


def test_shuffle_differs_between_epochs() -> None:
    loader = TensorLoader(*_data(50), batch_size=8, seed=0)
    first, second = _epoch(loader), _epoch(loader)
    assert first != second
    assert first != list(range(50))


def test_same_seed_same_epochs_different_seed_different() -> None:
    a = TensorLoader(*_data(40), batch_size=8, seed=5)
    b = TensorLoader(*_data(40), batch_size=8, seed=5)
    c = TensorLoader(*_data(40), batch_size=8, seed=6)
    epochs_a = [_epoch(a) for _ in range(3)]
    epochs_b = [_epoch(b) for _ in range(3)]
    epochs_c = [_epoch(c) for _ in range(3)]
    assert epochs_a == epochs_b
    assert all(ea != ec for ea, ec in zip(epochs_a, epochs_c, strict=True))


def test_the_order_does_not_depend_on_the_global_rng() -> None:
    loader = TensorLoader(*_data(30), batch_size=7, seed=9)
    torch.manual_seed(0)
    first = _epoch(loader)
    loader2 = TensorLoader(*_data(30), batch_size=7, seed=9)
    torch.manual_seed(1)
    assert _epoch(loader2) == first


def test_seed_none_draws_from_the_global_generator() -> None:
    torch.manual_seed(0)
    a = TensorLoader(*_data(40), batch_size=8)
    torch.manual_seed(0)
    b = TensorLoader(*_data(40), batch_size=8)
    torch.manual_seed(1)
    c = TensorLoader(*_data(40), batch_size=8)
    ea, eb, ec = _epoch(a), _epoch(b), _epoch(c)
    assert ea == eb
    assert ea != ec


def test_seed_none_advances_the_global_generator() -> None:
    torch.manual_seed(0)
    TensorLoader(*_data(4), batch_size=2)
    after = torch.rand(1)
    torch.manual_seed(0)
    assert not torch.equal(after, torch.rand(1))


def test_state_dict_reproduces_the_next_epoch() -> None:
    loader = TensorLoader(*_data(30), batch_size=4, seed=2)
    _epoch(loader)
    state = loader.state_dict()
    assert isinstance(state["generator"], torch.Tensor)
    second, third = _epoch(loader), _epoch(loader)
    loader.load_state_dict(state)
    assert _epoch(loader) == second
    resumed = TensorLoader(*_data(30), batch_size=4, seed=77)  # a run resumed elsewhere
    resumed.load_state_dict(state)
    assert [_epoch(resumed), _epoch(resumed)] == [second, third]


def test_state_dict_is_a_snapshot() -> None:
    loader = TensorLoader(*_data(30), batch_size=4, seed=2)
    state = loader.state_dict()
    saved = state["generator"].clone()
    _epoch(loader)
    assert torch.equal(state["generator"], saved)


def test_channels_last_storage() -> None:
    x = torch.rand(6, 3, 4, 5)
    loader = TensorLoader(x, torch.arange(6), batch_size=4, channels_last=True, seed=0)
    assert loader.x.is_contiguous(memory_format=torch.channels_last)
    assert not loader.x.is_contiguous()
    assert torch.equal(loader.x, x)
    for xb, _ in loader:
        assert xb.is_contiguous(memory_format=torch.channels_last)
    plain = TensorLoader(x, torch.arange(6), batch_size=4, seed=0)
    assert plain.x.is_contiguous() and not plain.x.is_contiguous(
        memory_format=torch.channels_last)


def test_channels_last_ignores_non_image_tensors() -> None:
    x = torch.rand(6, 3, 4)
    loader = TensorLoader(x, torch.arange(6), batch_size=4, channels_last=True)
    assert loader.x.is_contiguous()
    assert torch.equal(loader.x, x)


def test_device_property() -> None:
    x, y = _data(6)
    loader = TensorLoader(x, y, batch_size=2)
    assert loader.device == torch.device("cpu")
    loader = TensorLoader(x, y, batch_size=2, device="cpu")
    assert loader.device == torch.device("cpu")
    assert loader.x.device == loader.y.device == torch.device("cpu")


def test_device_argument_moves_x_and_y() -> None:
    x, y = _data(6)
    loader = TensorLoader(x, y, batch_size=2, device=torch.device("meta"))
    assert loader.device == torch.device("meta")
    assert loader.x.device.type == loader.y.device.type == "meta"
    assert "device=meta" in repr(loader)


def test_repr() -> None:
    loader = TensorLoader(*_data(10), batch_size=4, shuffle=False)
    assert repr(loader) == (
        "TensorLoader(10 samples, batch_size=4, 3 batches, shuffle=False, device=cpu)"
    )


def test_docstring_example() -> None:
    loader = TensorLoader(torch.arange(10.0), torch.arange(10), batch_size=4, seed=0)
    assert [len(x) for x, y in loader] == [4, 4, 2]


def test_length_mismatch() -> None:
    with pytest.raises(ValueError, match="x has 3 samples but y has 4"):
        TensorLoader(torch.zeros(3, 2), torch.zeros(4), batch_size=2)


@pytest.mark.parametrize("batch_size", [0, -1, 2.0, "4", None])
def test_bad_batch_size(batch_size) -> None:
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        TensorLoader(*_data(4), batch_size=batch_size)


@pytest.mark.parametrize("x, y", [
    ([1.0, 2.0], torch.zeros(2)),
    (torch.zeros(2), [0, 1]),
    (np.zeros(2), np.zeros(2)),
])
def test_non_tensor_inputs(x, y) -> None:
    with pytest.raises(TypeError, match="x and y must be tensors"):
        TensorLoader(x, y, batch_size=1)
