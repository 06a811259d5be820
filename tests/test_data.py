"""Tests of lecturelib.data and lecturelib.standins: real data, downloads and stand-ins.

No test touches the network except one, which checks that a download that cannot reach it
fails fast (there is no network on the book's machines and in CI).
"""

from __future__ import annotations

import pickle
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import lecturelib
import lecturelib.data
import lecturelib.env
from lecturelib import standins
from lecturelib.data import (
    CIFAR10_CLASSES,
    MNIST_CLASSES,
    ImageData,
    data_dir,
    load_cifar10,
    load_mnist,
)

ANNOUNCE = "lecturelib · stand-in data:"



@pytest.fixture
def root(tmp_path) -> Path:
    """The data directory the autouse fixture points LECTURELIB_DATA at."""
    return tmp_path / "data"


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTURELIB_OFFLINE", "1")


@pytest.fixture
def no_download(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a download is attempted."""

    def refuse(*args, **kwargs):  # pragma: no cover - runs only when the test fails
        pytest.fail("a download was attempted")

    monkeypatch.setattr(lecturelib.data, "_download", refuse)


def _partials(root: Path) -> list[Path]:
    return sorted(root.glob(".partial-*")) if root.exists() else []


def _announcements(out: str) -> list[str]:
    return [line for line in out.splitlines() if "stand-in" in line]


# ---------------------------------------------------------------- fake real datasets

FAKE_MNIST = {"train": 12, "t10k": 5}


def _fake_mnist_arrays(prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """The images and labels the fake MNIST files hold (the same rule as _WRITE_MNIST)."""
    n = FAKE_MNIST[prefix]
    offset = 0 if prefix == "train" else 100
    i = np.arange(n)[:, None]
    j = np.arange(784)[None, :]
    images = ((i + offset) * 7 + j) % 256
    labels = (np.arange(n) + offset) % 10
    return images.reshape(n, 28, 28).astype(np.uint8), labels.astype(np.uint8)


# writes the fake MNIST in torchvision's layout; also used as the download script
_WRITE_MNIST = textwrap.dedent(
    """
    import os, struct, sys

    def write_mnist(raw, sizes):
        os.makedirs(raw, exist_ok=True)
        for prefix, n in sizes.items():
            offset = 0 if prefix == "train" else 100
            images = bytes(((i + offset) * 7 + j) % 256 for i in range(n) for j in range(784))
            labels = bytes((i + offset) % 10 for i in range(n))
            with open(os.path.join(raw, prefix + "-images-idx3-ubyte"), "wb") as f:
                f.write(struct.pack(">IIII", 2051, n, 28, 28) + images)
            with open(os.path.join(raw, prefix + "-labels-idx1-ubyte"), "wb") as f:
                f.write(struct.pack(">II", 2049, n) + labels)
    """
)


def write_fake_mnist(root: Path) -> None:
    namespace: dict = {}
    exec(_WRITE_MNIST, namespace)  # noqa: S102 - our own code, shared with the download script
    namespace["write_mnist"](str(root / "MNIST" / "raw"), FAKE_MNIST)


_FAKE_DOWNLOAD = _WRITE_MNIST + textwrap.dedent(
    f"""
    if sys.argv[1] != "MNIST":
        sys.exit("wrong class name " + sys.argv[1])
    write_mnist(os.path.join(sys.argv[2], "MNIST", "raw"), {FAKE_MNIST!r})
    """
)


def _fake_cifar(root: Path) -> tuple[np.ndarray, list[int], np.ndarray, list[int]]:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    train_x, train_y = [], []
    for k in range(1, 6):
        data = rng.integers(0, 256, (2, 3072), dtype=np.uint8)
        labels = [(2 * k) % 10, (2 * k + 1) % 10]
        (folder / f"data_batch_{k}").write_bytes(pickle.dumps({"data": data, "labels": labels}))
        train_x.append(data)
        train_y += labels
    test_x = rng.integers(0, 256, (3, 3072), dtype=np.uint8)
    test_y = [9, 0, 4]
    (folder / "test_batch").write_bytes(pickle.dumps({"data": test_x, "labels": test_y}))
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": list(CIFAR10_CLASSES)}))
    return np.concatenate(train_x), train_y, test_x, test_y


@pytest.fixture
def cifar_integrity_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip torchvision's md5 checks (the fake batches are not the real files)."""
    import torchvision.datasets.cifar

    monkeypatch.setattr(torchvision.datasets.CIFAR10, "_check_integrity", lambda self: True)
    # CIFAR10._load_meta calls the module-level check_integrity on batches.meta
    monkeypatch.setattr(torchvision.datasets.cifar, "check_integrity", lambda *a, **k: True)


# ---------------------------------------------------------------- data_dir and settings


def test_data_dir_honours_lecturelib_data(root) -> None:
    assert data_dir() == root


def test_data_dir_expands_user(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LECTURELIB_DATA", "~/datasets")
    assert data_dir() == tmp_path / "home" / "datasets"


def test_data_dir_uses_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("LECTURELIB_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "lecturelib"
    monkeypatch.setenv("LECTURELIB_DATA", "")  # empty means unset
    assert data_dir() == tmp_path / "xdg" / "lecturelib"


def test_data_dir_default_is_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("LECTURELIB_DATA")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".cache" / "lecturelib"


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("YES", True),
                                             (" 1 ", True), ("0", False), ("", False),
                                             ("no", False)])
def test_offline_values(monkeypatch: pytest.MonkeyPatch, value, expected) -> None:
    monkeypatch.setenv("LECTURELIB_OFFLINE", value)
    assert lecturelib.data._offline() is expected


def test_download_timeout_default_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    assert lecturelib.data._timeout() == 900
    monkeypatch.setenv("LECTURELIB_DOWNLOAD_TIMEOUT", "2.5")
    assert lecturelib.data._timeout() == 2.5


@pytest.mark.parametrize("value, message", [
    ("abc", r"LECTURELIB_DOWNLOAD_TIMEOUT='abc' must be a positive number of seconds"),
    ("", "must be a positive number of seconds"),
    ("0", "LECTURELIB_DOWNLOAD_TIMEOUT='0' must be a positive number"),
    ("-5", "must be a positive number"),
])
def test_invalid_download_timeout(monkeypatch: pytest.MonkeyPatch, no_download, value,
                                  message) -> None:
    monkeypatch.setenv("LECTURELIB_DOWNLOAD_TIMEOUT", value)
    with pytest.raises(ValueError, match=message):
        lecturelib.data._timeout()
    with pytest.raises(ValueError, match=message):
        load_mnist(num_train=10, num_test=10)


def test_nan_download_timeout_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTURELIB_DOWNLOAD_TIMEOUT", "nan")
    with pytest.raises(ValueError, match="LECTURELIB_DOWNLOAD_TIMEOUT"):
        lecturelib.data._timeout()


# ---------------------------------------------------------------- offline stand-ins


def _check_images(x: torch.Tensor, y: torch.Tensor, shape: tuple[int, ...]) -> None:
    assert tuple(x.shape) == shape
    assert x.dtype == torch.float32 and y.dtype == torch.int64
    assert y.shape == (shape[0],)
    assert x.min() >= 0 and x.max() <= 1
    assert x.max() > 0.5  # not blank
    assert 0 <= int(y.min()) and int(y.max()) <= 9


def test_load_mnist_offline_stand_in(offline, capsys, root) -> None:
    data = load_mnist(num_train=120, num_test=30)
    assert isinstance(data, ImageData)
    assert data.stand_in is True and data.name == "MNIST"
    _check_images(data.x_train, data.y_train, (120, 1, 28, 28))
    _check_images(data.x_test, data.y_test, (30, 1, 28, 28))
    assert len(torch.unique(data.y_train)) == 10
    assert data.classes == MNIST_CLASSES
    assert "scikit-learn" in data.source
    out = capsys.readouterr().out
    (line,) = _announcements(out)
    assert out.splitlines() == [line]
    assert line.startswith(ANNOUNCE)
    assert "LECTURELIB_OFFLINE=1" in line and data.source in line and str(root) in line
    assert repr(data) == (
        "ImageData(MNIST, STAND-IN: 120 train / 30 test images of 1x28x28, 10 classes)")
    assert _partials(root) == []


def test_load_cifar10_offline_stand_in(offline, capsys) -> None:
    data = load_cifar10(num_train=40, num_test=20)
    assert data.stand_in is True and data.name == "CIFAR-10"
    _check_images(data.x_train, data.y_train, (40, 3, 32, 32))
    _check_images(data.x_test, data.y_test, (20, 3, 32, 32))
    assert data.classes == standins.SHAPES10_CLASSES and len(data.classes) == 10
    out = capsys.readouterr().out
    (line,) = _announcements(out)
    assert out.splitlines() == [line]
    assert line.startswith(ANNOUNCE) and "CIFAR-10" in line
    assert "STAND-IN: 40 train / 20 test images of 3x32x32" in repr(data)


def test_stand_in_default_sizes(offline, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_digits, real_shapes = standins.digits_as_mnist, standins.shapes_as_cifar10

    def digits(num_train, num_test):
        calls.append(("digits", num_train, num_test))
        return real_digits(3, 2)

    def shapes(num_train, num_test):
        calls.append(("shapes", num_train, num_test))
        return real_shapes(3, 2)

    monkeypatch.setattr(standins, "digits_as_mnist", digits)
    monkeypatch.setattr(standins, "shapes_as_cifar10", shapes)
    load_mnist()
    load_cifar10()
    load_mnist(num_train=7)
    assert calls == [("digits", 60_000, 10_000), ("shapes", 50_000, 10_000),
                     ("digits", 7, 10_000)]


def test_stand_ins_are_deterministic(offline) -> None:
    a, b = load_mnist(num_train=50, num_test=20), load_mnist(num_train=50, num_test=20)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    c, d = load_cifar10(num_train=20, num_test=10), load_cifar10(num_train=20, num_test=10)
    assert torch.equal(c.x_train, d.x_train) and torch.equal(c.x_test, d.x_test)


@pytest.mark.parametrize("loader", [load_mnist, load_cifar10])
@pytest.mark.parametrize("kw, name", [
    ({"num_train": 0}, "num_train"), ({"num_train": -5}, "num_train"),
    ({"num_train": 1.5}, "num_train"), ({"num_train": "100"}, "num_train"),
    ({"num_test": 0}, "num_test"), ({"num_test": 10.0}, "num_test"),
])
def test_bad_sizes(loader, kw, name, capsys, no_download) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a positive integer or None"):
        loader(**kw)
    assert capsys.readouterr().out == ""


def test_bool_size_is_rejected(offline) -> None:
    with pytest.raises(ValueError, match="num_train must be a positive integer"):
        load_mnist(num_train=True, num_test=2)


# ---------------------------------------------------------------- standins


def _rows(x: torch.Tensor) -> list[bytes]:
    return [row.numpy().tobytes() for row in x]


def test_digits_as_mnist_shapes_and_determinism() -> None:
    x, y, xt, yt, source = standins.digits_as_mnist(100, 10)
    _check_images(x, y, (100, 1, 28, 28))
    _check_images(xt, yt, (10, 1, 28, 28))
    again = standins.digits_as_mnist(100, 10)
    assert all(torch.equal(u, v) for u, v in zip((x, y, xt, yt), again[:4], strict=True))
    assert "1,500 training and 297 test originals" in source and "100 / 10" in source


def test_digits_as_mnist_originals_are_split_between_train_and_test() -> None:
    originals, labels = standins._digit_originals()
    assert originals.shape == (1797, 1, 28, 28)
    label_of = dict(zip(_rows(originals), labels.tolist(), strict=True))
    assert len(label_of) == 1797  # the originals are all different
    x, y, xt, yt, _ = standins.digits_as_mnist(1500, 297)
    train, test = _rows(x), _rows(xt)
    # exactly the un-augmented originals: 1,500 for training, the other 297 for testing
    assert len(set(train)) == 1500 and len(set(test)) == 297
    assert set(train) | set(test) == set(label_of)
    assert [label_of[r] for r in train] == y.tolist()
    assert [label_of[r] for r in test] == yt.tolist()


def test_digits_as_mnist_grows_by_augmenting() -> None:
    originals, _ = standins._digit_originals()
    x1500, *_ = standins.digits_as_mnist(1500, 10)
    x, y, xt, yt, _ = standins.digits_as_mnist(2000, 400)
    train = _rows(x)
    assert set(_rows(x1500)) <= set(train)  # every training original is kept
    extra = set(train) - set(_rows(x1500))
    assert len(extra) == 500  # the rest are new (augmented) images
    assert not extra & set(_rows(originals))
    assert x.min() >= 0 and x.max() <= 1
    assert not set(train) & set(_rows(xt))  # no test image equals a training image
    assert len(set(_rows(xt))) == 400


def test_digits_as_mnist_smaller_than_the_originals() -> None:
    originals, _ = standins._digit_originals()
    x, y, xt, yt, _ = standins.digits_as_mnist(20, 5)
    assert set(_rows(x)) <= set(_rows(originals))
    assert not set(_rows(x)) & set(_rows(xt))


@pytest.mark.parametrize("kw, name", [({"num_train": 0, "num_test": 5}, "num_train"),
                                      ({"num_train": 5, "num_test": -1}, "num_test"),
                                      ({"num_train": 2.0, "num_test": 5}, "num_train")])
def test_digits_as_mnist_bad_sizes(kw, name) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a positive integer"):
        standins.digits_as_mnist(**kw)


def test_shapes_as_cifar10() -> None:
    x, y, xt, yt, source = standins.shapes_as_cifar10(30, 20)
    _check_images(x, y, (30, 3, 32, 32))
    _check_images(xt, yt, (20, 3, 32, 32))
    assert not set(_rows(x)) & set(_rows(xt))  # different images for train and test
    assert len(set(_rows(x))) == 30
    again = standins.shapes_as_cifar10(30, 20)
    assert torch.equal(x, again[0]) and torch.equal(yt, again[3])
    assert "30 train / 20 test" in source
    x, _, xt, _, _ = standins.shapes_as_cifar10(25, 25)  # equal sizes: still different images
    assert not set(_rows(x)) & set(_rows(xt))
    assert all(name in source for name in standins.SHAPES10_CLASSES)


# ---------------------------------------------------------------- real data from the data dir


def test_load_mnist_real_files(root, capsys, no_download) -> None:
    write_fake_mnist(root)
    data = load_mnist()
    assert data.stand_in is False and data.name == "MNIST"
    images, labels = _fake_mnist_arrays("train")
    test_images, test_labels = _fake_mnist_arrays("t10k")
    assert data.x_train.shape == (12, 1, 28, 28) and data.x_train.dtype == torch.float32
    assert torch.equal(data.x_train, torch.from_numpy(images)[:, None].float() / 255)
    assert torch.equal(data.y_train, torch.from_numpy(labels).long())
    assert torch.equal(data.x_test, torch.from_numpy(test_images)[:, None].float() / 255)
    assert data.y_test.tolist() == test_labels.tolist() and data.y_test.dtype == torch.int64
    assert data.x_train.max() == 1.0 and data.x_train.min() == 0.0
    assert data.classes == MNIST_CLASSES
    assert data.source == f"torchvision MNIST in {root}"
    assert repr(data) == "ImageData(MNIST, real: 12 train / 5 test images of 1x28x28, 10 classes)"
    assert capsys.readouterr().out == ""  # real data is not announced


def test_load_mnist_real_files_subset(root, no_download) -> None:
    write_fake_mnist(root)
    full = load_mnist()
    data = load_mnist(num_train=5, num_test=3)
    assert data.x_train.shape == (5, 1, 28, 28) and data.x_test.shape == (3, 1, 28, 28)
    assert data.stand_in is False
    rows = {r: int(label) for r, label in zip(_rows(full.x_train), full.y_train, strict=True)}
    picked = _rows(data.x_train)
    assert len(set(picked)) == 5 and set(picked) <= set(rows)
    assert [rows[r] for r in picked] == data.y_train.tolist()  # labels stay with their images
    again = load_mnist(num_train=5, num_test=3)
    assert torch.equal(again.x_train, data.x_train)  # a fixed subset
    bigger = load_mnist(num_train=100, num_test=5)  # more than there is: everything
    assert torch.equal(bigger.x_train, full.x_train)


def test_local_real_data_is_used_offline(root, offline, capsys) -> None:
    write_fake_mnist(root)
    assert load_mnist(num_train=4).stand_in is False
    assert capsys.readouterr().out == ""


def test_load_cifar10_real_files(root, cifar_integrity_ok, capsys, no_download) -> None:
    train_x, train_y, test_x, test_y = _fake_cifar(root)
    data = load_cifar10()
    assert data.stand_in is False and data.name == "CIFAR-10"
    assert data.x_train.shape == (10, 3, 32, 32) and data.x_test.shape == (3, 3, 32, 32)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    expected = torch.from_numpy(train_x.reshape(-1, 3, 32, 32)).float() / 255
    assert torch.equal(data.x_train, expected)
    assert torch.equal(data.x_test, torch.from_numpy(test_x.reshape(-1, 3, 32, 32)).float() / 255)
    assert data.y_train.tolist() == train_y and data.y_test.tolist() == test_y
    assert data.classes == CIFAR10_CLASSES
    assert data.source == f"torchvision CIFAR-10 in {root}"
    assert capsys.readouterr().out == ""
    subset = load_cifar10(num_train=4, num_test=2)
    assert subset.x_train.shape == (4, 3, 32, 32) and subset.x_test.shape == (2, 3, 32, 32)
    assert set(_rows(subset.x_train)) <= set(_rows(data.x_train))


# ---------------------------------------------------------------- downloads


def test_download_failure_without_network_falls_back_fast(monkeypatch: pytest.MonkeyPatch,
                                                          root, capsys) -> None:
    monkeypatch.setenv("LECTURELIB_DOWNLOAD_TIMEOUT", "25")  # a bound; it should fail sooner
    start = time.monotonic()
    data = load_mnist(num_train=20, num_test=10)
    elapsed = time.monotonic() - start
    assert data.stand_in is True
    assert elapsed < 20, f"falling back took {elapsed:.1f} s"
    (line,) = _announcements(capsys.readouterr().out)
    assert line.startswith(ANNOUNCE)
    assert "the download failed (" in line
    assert "no complete download within" not in line  # it failed by itself, not by timeout
    assert _partials(root) == []
    assert "MNIST" in lecturelib.data._failed_downloads

    def refuse(*args, **kwargs):  # pragma: no cover - runs only when the test fails
        pytest.fail("a failed download was tried again")

    monkeypatch.setattr(lecturelib.data, "_download", refuse)
    again = load_mnist(num_train=20, num_test=10)
    assert again.stand_in is True
    (line,) = _announcements(capsys.readouterr().out)
    assert "its download already failed in this session" in line


def test_failed_download_is_not_retried(no_download, capsys) -> None:
    lecturelib.data._failed_downloads.add("MNIST")
    data = load_mnist(num_train=10, num_test=10)
    assert data.stand_in is True
    assert "already failed" in capsys.readouterr().out
    lecturelib.data._failed_downloads.add("CIFAR-10")
    assert load_cifar10(num_train=10, num_test=10).stand_in is True


def test_offline_never_downloads(offline, no_download) -> None:
    assert load_mnist(num_train=10, num_test=10).stand_in is True
    assert load_cifar10(num_train=10, num_test=10).stand_in is True
    assert lecturelib.data._failed_downloads == set()  # offline is not a failed download


def test_download_timeout_is_enforced(monkeypatch: pytest.MonkeyPatch, root) -> None:
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", "import time\ntime.sleep(60)\n")
    monkeypatch.setenv("LECTURELIB_DOWNLOAD_TIMEOUT", "2")
    start = time.monotonic()
    reason = lecturelib.data._download("MNIST", root, lecturelib.data._timeout())
    elapsed = time.monotonic() - start
    assert reason == "no complete download within 2 s"
    assert 1.9 <= elapsed < 15
    assert _partials(root) == []


def test_download_success_moves_files_into_place(monkeypatch: pytest.MonkeyPatch, root,
                                                 capsys) -> None:
    stale = root / ".partial-old"
    (stale / "MNIST").mkdir(parents=True)
    (stale / "MNIST" / "junk").write_text("left by a killed download")
    incomplete = root / "MNIST" / "raw"
    incomplete.mkdir(parents=True)
    (incomplete / "train-images-idx3-ubyte").write_bytes(b"truncated")
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", _FAKE_DOWNLOAD)
    data = load_mnist(num_train=6)
    assert data.stand_in is False
    assert capsys.readouterr().out == ""
    images, labels = _fake_mnist_arrays("train")
    full = {r: int(label) for r, label in
            zip(_rows(torch.from_numpy(images)[:, None].float() / 255), labels, strict=True)}
    assert data.x_train.shape == (6, 1, 28, 28)
    assert [full[r] for r in _rows(data.x_train)] == data.y_train.tolist()
    test_images, _ = _fake_mnist_arrays("t10k")
    assert torch.equal(data.x_test, torch.from_numpy(test_images)[:, None].float() / 255)
    assert sorted(p.name for p in (root / "MNIST" / "raw").iterdir()) == [
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte"]
    assert (root / "MNIST" / "raw" / "train-images-idx3-ubyte").stat().st_size == 16 + 12 * 784
    assert _partials(root) == []  # the stale folder is gone, and so is the new one
    assert lecturelib.data._failed_downloads == set()


def test_download_that_loads_nothing(monkeypatch: pytest.MonkeyPatch, root, capsys) -> None:
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", "pass\n")
    data = load_mnist(num_train=10, num_test=10)
    assert data.stand_in is True
    (line,) = _announcements(capsys.readouterr().out)
    assert "the download failed (the downloaded files did not load)" in line
    assert "MNIST" in lecturelib.data._failed_downloads
    assert _partials(root) == []


def test_download_error_reason_is_the_last_line(monkeypatch: pytest.MonkeyPatch, root) -> None:
    script = "import sys\nsys.stderr.write('Traceback ...\\nOSError: no route to host\\n')\n" \
             "sys.exit(1)\n"
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", script)
    assert lecturelib.data._download("CIFAR-10", root, 10) == "OSError: no route to host"
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", "import sys\nsys.exit(3)\n")
    assert lecturelib.data._download("MNIST", root, 10) == "exit status 3"
    assert _partials(root) == []


def test_download_is_given_the_torchvision_name(monkeypatch: pytest.MonkeyPatch, root) -> None:
    script = "import sys\nsys.exit('class ' + sys.argv[1])\n"
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", script)
    assert lecturelib.data._download("CIFAR-10", root, 10) == "class CIFAR10"
    assert lecturelib.data._download("MNIST", root, 10) == "class MNIST"


def test_cifar_download_failure_is_announced(monkeypatch: pytest.MonkeyPatch, root,
                                             capsys) -> None:
    monkeypatch.setattr(lecturelib.data, "_DOWNLOAD_SCRIPT", "raise SystemExit('offline')\n")
    data = load_cifar10(num_train=10, num_test=10)
    assert data.stand_in is True
    (line,) = _announcements(capsys.readouterr().out)
    assert line.startswith(ANNOUNCE) and "the download failed (offline)" in line
    assert lecturelib.data._failed_downloads == {"CIFAR-10"}


# ---------------------------------------------------------------- without torchvision


def test_without_torchvision_the_stand_in_is_used(monkeypatch: pytest.MonkeyPatch, root,
                                                  capsys, no_download) -> None:
    write_fake_mnist(root)  # even real files cannot be read without torchvision
    monkeypatch.setitem(sys.modules, "torchvision", None)
    data = load_mnist(num_train=10, num_test=5)
    assert data.stand_in is True
    (line,) = _announcements(capsys.readouterr().out)
    assert line.startswith(ANNOUNCE) and "torchvision is not installed" in line
    data = load_cifar10(num_train=10, num_test=5)
    assert data.stand_in is True
    assert "torchvision" in capsys.readouterr().out
    assert lecturelib.data._open_local("MNIST", root, True) is None


def test_open_local_missing_files(root) -> None:
    assert lecturelib.data._open_local("MNIST", root, True) is None
    assert lecturelib.data._open_local("CIFAR-10", root, False) is None
