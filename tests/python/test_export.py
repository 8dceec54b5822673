"""src/python/convscope_export.py: PyTorch CNNs exported as convscope/1 files give, in the ConvScope
engine, the same output as in PyTorch at every layer (|difference| <= 1e-4 · max(1, |value|)).

Random CNNs (1 or 3 channels, square and not, odd and even and rectangular kernels, strides,
int / pair / "same" / "valid" padding, max and average pooling, every activation, layers without
bias, Dropout that is skipped) and fixed ones (MNIST-like, the jet lab's 1×25×25, 3×32×32) are
exported and run through the wasm engine (web/engine/, built by `npm run build`) by
tests/python/engine_forward.mjs under node. Also: the file layout, renamed state_dicts, and the
errors for what ConvScope cannot run.

Run:  /usr/bin/python3 -m unittest discover -s tests/python -v
Needs python3-torch (Debian); without it every test is skipped, with a message saying so.
"""

import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import warnings
from collections import OrderedDict

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True  # no __pycache__ in src/python
sys.path.insert(0, os.path.join(ROOT, "src", "python"))
HELPER = os.path.join(ROOT, "tests", "python", "engine_forward.mjs")
ENGINE = os.path.join(ROOT, "web", "engine", "convscope.mjs")
TOLERANCE = 1e-4

try:
    import torch
    from torch import nn
    import convscope_export as cx
    TORCH_MISSING = None
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")  # the case is tested on purpose
except ImportError as e:  # only the skip below needs the message
    TORCH_MISSING = f"PyTorch is not installed ({e}); install Debian's python3-torch to run these tests"
    print(f"SKIPPED tests/python/test_export.py: {TORCH_MISSING}", file=sys.stderr)


def run_engine(path, inputs):
    """inputs: tensor [N, C, H, W] → the engine's JSON (architecture, labels, parameters, traces)."""
    with tempfile.NamedTemporaryFile(suffix=".f32", delete=False) as f:
        f.write(struct.pack(f"<{inputs.numel()}f", *inputs.reshape(-1).tolist()))
        input_path = f.name
    try:
        done = subprocess.run(["node", HELPER, path, input_path], capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(input_path)
    if done.returncode != 0:
        why = done.stdout.strip() or done.stderr.strip().splitlines()[-1][-500:]  # last line: no minified source
        raise AssertionError(f"engine failed on {path} (exit {done.returncode}): {why}")
    return json.loads(done.stdout)


def torch_trace(seq, x):
    """Every output of the layers ConvScope has (Dropout and Identity skipped), in order."""
    outs = []

    def walk(module, x):
        for m in module.children():
            if isinstance(m, nn.Sequential):
                x = walk(m, x)
            elif not isinstance(m, (nn.Dropout, nn.Dropout2d, nn.Identity)):
                x = m(x)
                outs.append(x)
        return x

    walk(seq, x)
    return outs


def random_cnn(rng, seed):
    """A random nn.Sequential CNN and its (C, H, W) input, with shapes that always fit."""
    torch.manual_seed(seed)
    c = rng.choice([1, 3])
    h, w = rng.randint(9, 40), rng.randint(9, 40)
    layers, dims = [], [c, h, w]
    for _ in range(rng.randint(1, 3)):
        k = rng.choice([1, 2, 3, 5, (3, 5), (2, 3)])
        kh, kw = (k, k) if isinstance(k, int) else k
        stride = rng.choice([1, 1, 2, (1, 2)])
        options = [0, 1, (1, 2), "valid"] + (["same"] if stride == 1 else [])
        padding = rng.choice(options)
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        if padding == "same":
            oh, ow = dims[1], dims[2]
        else:
            ph, pw = (0, 0) if padding == "valid" else (padding, padding) if isinstance(padding, int) else padding
            oh, ow = (dims[1] + 2 * ph - kh) // sh + 1, (dims[2] + 2 * pw - kw) // sw + 1
        if oh < 2 or ow < 2:
            break
        oc = rng.randint(1, 7)
        layers.append(nn.Conv2d(dims[0], oc, k, stride=stride, padding=padding, bias=rng.random() > 0.2))
        layers.append(rng.choice([nn.ReLU(), nn.Sigmoid(), nn.Tanh()]))
        dims = [oc, oh, ow]
        if rng.random() < 0.3:
            layers.append(nn.Dropout2d(0.5))
        pk = rng.choice([2, 3, (2, 3)])
        pkh, pkw = (pk, pk) if isinstance(pk, int) else pk
        ps = rng.choice([None, 1, 2])
        psh, psw = (pkh, pkw) if ps is None else (ps, ps)
        if dims[1] >= pkh and dims[2] >= pkw and rng.random() < 0.8:
            layers.append((nn.MaxPool2d if rng.random() < 0.5 else nn.AvgPool2d)(pk, stride=ps))
            dims = [dims[0], (dims[1] - pkh) // psh + 1, (dims[2] - pkw) // psw + 1]
    layers.append(nn.Flatten())
    features = dims[0] * dims[1] * dims[2]
    if rng.random() < 0.6:
        hidden = rng.randint(3, 24)
        layers += [nn.Linear(features, hidden, bias=rng.random() > 0.2), rng.choice([nn.ReLU(), nn.Sigmoid(), nn.Tanh()])]
        features = hidden
    classes = rng.randint(1, 12)
    layers.append(nn.Linear(features, classes))
    if rng.random() < 0.7:
        layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers).eval(), (c, h, w), classes


@unittest.skipIf(TORCH_MISSING, TORCH_MISSING or "")
class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("node") is None or not os.path.exists(ENGINE):
            raise RuntimeError(f"needs node and the wasm engine {ENGINE} (npm run build)")
        cls.dir = tempfile.mkdtemp(prefix="convscope-export-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def assert_same_layers(self, seq, arch, path, inputs):
        """The engine's trace of every input equals PyTorch's, layer by layer."""
        got = run_engine(path, inputs)
        names = [layer["name"] for layer in arch["layers"]]
        with torch.no_grad():
            for n, trace in enumerate(got["traces"]):
                expected = torch_trace(seq, inputs[n : n + 1])
                self.assertEqual([t["name"] for t in trace], names)
                self.assertEqual(len(expected), len(trace))
                for layer, want in zip(trace, expected):
                    want = want[0]
                    self.assertEqual(layer["shape"], list(want.shape), f"{layer['name']}: shape")
                    have = torch.tensor(layer["data"]).reshape(want.shape)
                    err = ((have - want).abs() / want.abs().clamp(min=1)).max().item()
                    self.assertLessEqual(err, TOLERANCE, f"{path}, input {n}, layer {layer['name']} ({layer['type']}): "
                                                         f"max difference {err:.3g}")
        return got

    def test_random_cnns_match_layer_by_layer(self):
        rng = random.Random(2026)
        for k in range(12):
            seq, shape, classes = random_cnn(rng, seed=k)
            labels = [f"class {i}" for i in range(classes)]
            with self.subTest(model=k, input=shape, layers=str(seq)):
                arch = cx.architecture_from_sequential(seq, shape, labels=labels)
                path = self.path(f"random-{k}.safetensors")
                cx.export(seq, arch, path)
                got = self.assert_same_layers(seq, arch, path, torch.rand(3, *shape))
                self.assertEqual(got["labels"], labels)
                self.assertEqual(got["parameters"], sum(t.numel() for t in seq.state_dict().values())
                                 + sum(m.out_channels if isinstance(m, nn.Conv2d) else m.out_features
                                       for m in seq.modules() if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is None))

    def test_docstring_example_jets(self):
        torch.manual_seed(1)
        net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 6 * 6, 2), nn.Softmax(dim=1)).eval()
        arch = cx.architecture_from_sequential(net, (1, 25, 25), labels=["QCD", "W"])
        self.assertEqual([l["name"] for l in arch["layers"]],
                         ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "softmax"])
        path = self.path("jets.safetensors")
        cx.export(net, arch, path, metadata={"description": "W vs QCD jets", "test_auc": 0.93})
        got = self.assert_same_layers(net, arch, path, torch.rand(2, 1, 25, 25))
        self.assertEqual(got["labels"], ["QCD", "W"])

    def test_mnist_and_rgb_shapes(self):
        torch.manual_seed(2)
        mnist = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, 8, 5)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("fc1", nn.Linear(8 * 12 * 12, 10)), ("softmax", nn.Softmax(dim=1))])).eval()
        arch = cx.architecture_from_sequential(mnist, (1, 28, 28))
        self.assertEqual(arch["layers"][0], {"type": "conv2d", "out_channels": 8, "kernel": 5, "stride": 1, "padding": 0, "name": "conv1"})
        self.assertNotIn("labels", arch)
        cx.export(mnist, arch, self.path("mnist.safetensors"))
        self.assertEqual(self.assert_same_layers(mnist, arch, self.path("mnist.safetensors"), torch.rand(2, 1, 28, 28))["labels"],
                         [str(i) for i in range(10)])
        rgb = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 6, 3, stride=2, padding="valid"), nn.Tanh(), nn.AvgPool2d(3, stride=1)),
            nn.Sequential(nn.Conv2d(6, 4, (3, 1), padding=(1, 0), bias=False), nn.Sigmoid()),
            nn.Conv2d(4, 5, 4, padding="same"), nn.ReLU(),  # even kernel: the odd padding pixel goes after
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(5 * 13 * 13, 3)).eval()
        arch = cx.architecture_from_sequential(rgb, (1, 3, 32, 32), labels=["cat", "dog", "bird"])
        cx.export(rgb, arch, self.path("rgb.safetensors"), metadata={"test_accuracy": 0.5})
        self.assert_same_layers(rgb, arch, self.path("rgb.safetensors"), torch.rand(2, 3, 32, 32))

    def test_file_layout(self):
        torch.manual_seed(3)
        net = nn.Sequential(nn.Flatten(), nn.Linear(25, 2, bias=False)).eval()
        arch = cx.architecture_from_sequential(net, (1, 5, 5), labels=["a", "é"])
        data = cx.export(net, arch, self.path("layout.safetensors"), metadata={"test_accuracy": 0.875, "description": "tiny", "epochs": 3})
        with open(self.path("layout.safetensors"), "rb") as f:
            self.assertEqual(f.read(), data)
        (n,) = struct.unpack("<Q", data[:8])
        self.assertEqual((8 + n) % 8, 0)
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
        meta = header.pop("__metadata__")
        self.assertEqual(meta["format"], "convscope/1")
        self.assertTrue(all(isinstance(v, str) for v in meta.values()))
        self.assertEqual((meta["test_accuracy"], meta["description"], meta["epochs"]), ("0.875", "tiny", "3"))
        self.assertEqual(json.loads(meta["architecture"]), arch)
        self.assertEqual(list(header), ["fc1.weight", "fc1.bias"])
        self.assertEqual(header["fc1.weight"], {"dtype": "F32", "shape": [2, 25], "data_offsets": [0, 200]})
        self.assertEqual(header["fc1.bias"], {"dtype": "F32", "shape": [2], "data_offsets": [200, 208]})
        self.assertEqual(len(data), 8 + n + 208)
        weights = struct.unpack("<50f", data[8 + n : 8 + n + 200])
        self.assertEqual(list(weights), net[1].weight.reshape(-1).tolist())
        self.assertEqual(struct.unpack("<2f", data[8 + n + 200 :]), (0.0, 0.0))  # bias=False → zeros

    def test_renamed_state_dict_maps_in_order(self):
        class Net(nn.Module):  # not a Sequential: its own names, its own forward
            def __init__(self):
                super().__init__()
                self.features = nn.Conv2d(1, 4, 3)
                self.head = nn.Linear(4 * 6 * 6, 5)

            def forward(self, x):
                return torch.softmax(self.head(torch.flatten(torch.relu(self.features(x)), 1)), 1)

        torch.manual_seed(4)
        net = Net().eval()
        arch = {"input": {"channels": 1, "height": 8, "width": 8}, "labels": list("abcde"), "layers": [
            {"name": "conv1", "type": "conv2d", "out_channels": 4, "kernel": 3},
            {"name": "relu1", "type": "relu"}, {"name": "flatten", "type": "flatten"},
            {"name": "fc1", "type": "dense", "out_features": 5}, {"name": "softmax", "type": "softmax"}]}
        path = self.path("renamed.safetensors")
        cx.export(net.state_dict(), arch, path)
        x = torch.rand(2, 1, 8, 8)
        got = run_engine(path, x)
        with torch.no_grad():
            want = net(x)
        for n in range(2):
            have = torch.tensor(got["traces"][n][-1]["data"])
            self.assertLessEqual((have - want[n]).abs().max().item(), TOLERANCE)

    def test_refuses_what_convscope_cannot_run(self):
        cases = [
            (nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)), "1: BatchNorm2d is not supported"),
            (nn.Sequential(nn.Conv2d(1, 2, 3, dilation=2)), "dilation"),
            (nn.Sequential(nn.Conv2d(1, 2, 3, groups=1), nn.MaxPool2d(2, padding=1)), "1: MaxPool2d with padding"),
            (nn.Sequential(nn.Linear(8, 2)), "0: Linear expects 8 features, gets shape [1, 8, 8] (flatten first)"),
            (nn.Sequential(nn.Conv2d(3, 2, 3)), "0: Conv2d expects 3 input channels"),
            (nn.Sequential(nn.Flatten(), nn.LogSoftmax(dim=1)), "LogSoftmax is not supported"),
        ]
        for seq, message in cases:
            with self.subTest(seq=str(seq)):
                with self.assertRaises(ValueError) as caught:
                    cx.architecture_from_sequential(seq, (1, 8, 8))
                self.assertIn(message, str(caught.exception))
        with self.assertRaisesRegex(ValueError, "labels: 3 given, the last layer gives 2 outputs"):
            cx.architecture_from_sequential(nn.Sequential(nn.Flatten(), nn.Linear(64, 2)), (1, 8, 8), labels="abc")

        net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(72, 2))
        arch = cx.architecture_from_sequential(net, (1, 8, 8))
        wrong = dict(net.state_dict())
        wrong["0.weight"] = torch.zeros(2, 1, 5, 5)
        with self.assertRaisesRegex(ValueError, r"0.weight \(for layer conv1\): shape \[2, 1, 5, 5\], architecture needs \[2, 1, 3, 3\]"):
            cx.export(wrong, arch, self.path("wrong.safetensors"))
        extra = dict(net.state_dict(), **{"bn.running_mean": torch.zeros(2)})
        with self.assertRaisesRegex(ValueError, "no layer of the architecture uses: bn.running_mean"):
            cx.export(extra, arch, self.path("extra.safetensors"))
        nan = dict(net.state_dict())
        nan["2.bias"] = torch.tensor([0.0, float("nan")])
        with self.assertRaisesRegex(ValueError, "fc1.bias: holds NaN"):
            cx.export(nan, arch, self.path("nan.safetensors"))
        with self.assertRaisesRegex(ValueError, "written by export itself"):
            cx.export(net, arch, self.path("meta.safetensors"), metadata={"format": "x"})


if __name__ == "__main__":
    unittest.main()
