"""Export a PyTorch model as a ConvScope model file (convscope/1 .safetensors), so that the
drawing page (its "Your own model" file input, or a drop onto the page) shows every layer of it.

Standard library + torch only; the safetensors format is written here by hand:
    [u64 little-endian N][N bytes of JSON header, space-padded so that 8 + N is a multiple of 8]
    [data: each tensor's float32 little-endian values, back to back, in header order]
The header maps each tensor name to {"dtype": "F32", "shape", "data_offsets": [begin, end]}
and holds "__metadata__" (strings only): "format": "convscope/1", "architecture" (JSON text,
see src/io/FORMAT.md), plus yours (description, dataset, test_accuracy, test_auc...).
Tensor names and layouts are PyTorch's state_dict ones: <layer>.weight [OC, IC, KH, KW] for
conv2d and [OUT, IN] for dense, <layer>.bias [OUT]; flatten is channel-major (C, H, W), as
nn.Flatten. A layer without bias (bias=False) is written with a zero bias.

Example (a CNN for 1×25×25 jet images, W vs QCD):

    import torch.nn as nn
    from convscope_export import architecture_from_sequential, export

    net = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 6 * 6, 2), nn.Softmax(dim=1))
    # ... train net ...
    arch = architecture_from_sequential(net, (1, 25, 25), labels=["QCD", "W"])
    export(net, arch, "jets.safetensors", metadata={"description": "W vs QCD jets", "test_auc": 0.93})

Supported layers: Conv2d (groups 1, dilation 1, zero padding: int, pair, "same" or "valid"),
MaxPool2d / AvgPool2d (no padding, no ceil_mode), ReLU, Sigmoid, Tanh, Flatten, Linear,
Softmax (over the features); Dropout and Identity are skipped (they do nothing at inference).
"""

import json
import math
import struct
import sys
from array import array
from collections.abc import Mapping

import torch
from torch import nn

FORMAT = "convscope/1"
PARAM_TYPES = ("conv2d", "dense")
LAYER_TYPES = ("conv2d", "maxpool2d", "avgpool2d", "relu", "sigmoid", "tanh", "softmax", "flatten", "dense")
_SKIPPED = (nn.Dropout, nn.Dropout2d, nn.Identity)
_ACTIVATIONS = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh"}
_PREFIXES = {"conv2d": "conv", "maxpool2d": "pool", "avgpool2d": "pool", "dense": "fc"}


def _pair(v, default):
    """int, [h, w] or (h, w) or None → (h, w)."""
    if isinstance(v, (list, tuple)) and len(v) == 2:
        return (int(v[0]), int(v[1]))
    return (default, default) if v is None else (int(v), int(v))


def _compact(v):
    """(3, 3) → 3, (3, 5) → [3, 5]: the architecture's int-or-pair form."""
    h, w = _pair(v, 0)
    return h if h == w else [h, w]


def _out_size(n, k, s, before, after, where):
    if n + before + after < k:
        raise ValueError(f"{where}: window {k} does not fit an input of {n} (+{before + after} padding)")
    return (n + before + after - k) // s + 1


def layer_shapes(architecture):
    """Walks the architecture as the engine does. → (shapes, params): the output shape of each layer
    ([C, H, W] or [F]) and {tensor name: shape} of every weight and bias it needs."""
    inp = architecture["input"]
    dims = [int(inp["channels"]), int(inp["height"]), int(inp["width"])]
    shapes, params = [], {}
    for i, layer in enumerate(architecture["layers"]):
        name, kind = layer.get("name"), layer.get("type")
        where = f"layers[{i}] ({name})"
        if kind not in LAYER_TYPES:
            raise ValueError(f"{where}: unknown type {kind!r}, expected one of {', '.join(LAYER_TYPES)}")
        spatial = kind in ("conv2d", "maxpool2d", "avgpool2d")
        if spatial and len(dims) != 3:
            raise ValueError(f"{where}: {kind} needs a C×H×W input, gets a vector of {dims[0]}")
        if kind == "conv2d":
            c, h, w = dims
            kh, kw = _pair(layer["kernel"], 1)
            sh, sw = _pair(layer.get("stride"), 1)
            pad = layer.get("padding", 0)
            if pad == "same":  # OH = ceil(H/S); the odd pixel goes after
                th = max((math.ceil(h / sh) - 1) * sh + kh - h, 0)
                tw = max((math.ceil(w / sw) - 1) * sw + kw - w, 0)
                pt, pb, pl, pr = th // 2, th - th // 2, tw // 2, tw - tw // 2
            elif pad == "valid":
                pt = pb = pl = pr = 0
            else:
                (pt, pl) = _pair(pad, 0)
                pb, pr = pt, pl
            oc = int(layer["out_channels"])
            dims = [oc, _out_size(h, kh, sh, pt, pb, where), _out_size(w, kw, sw, pl, pr, where)]
            params[f"{name}.weight"] = [oc, c, kh, kw]
            params[f"{name}.bias"] = [oc]
        elif kind in ("maxpool2d", "avgpool2d"):
            c, h, w = dims
            kh, kw = _pair(layer["kernel"], 1)
            sh, sw = _pair(layer.get("stride", layer["kernel"]), 1)
            dims = [c, _out_size(h, kh, sh, 0, 0, where), _out_size(w, kw, sw, 0, 0, where)]
        elif kind == "flatten":
            dims = [math.prod(dims)]
        elif kind == "dense":
            if len(dims) != 1:
                raise ValueError(f"{where}: dense needs a vector; put a flatten layer before it")
            out = int(layer["out_features"])
            params[f"{name}.weight"] = [out, dims[0]]
            params[f"{name}.bias"] = [out]
            dims = [out]
        shapes.append(list(dims))
    return shapes, params


def architecture_from_sequential(seq, input_shape, labels=None):
    """nn.Sequential (nested Sequentials allowed) → architecture dict.

    input_shape: (C, H, W) of one input (a leading batch dimension is ignored). labels: one class
    name per output (default "0", "1", ...). Layer names: a child's own name when it was named
    (nn.Sequential(OrderedDict(...)), or a dotted path in nested Sequentials), else conv1, relu1,
    pool1, flatten, fc1, softmax, ... Raises ValueError naming the first module it cannot map.
    """
    shape = [int(d) for d in input_shape][-3:]
    if len(shape) != 3:
        raise ValueError(f"input_shape: expected (C, H, W), got {tuple(input_shape)!r}")
    counts = {}
    layers = []
    dims = list(shape)

    def auto_name(kind):
        prefix = _PREFIXES.get(kind, kind)
        counts[prefix] = counts.get(prefix, 0) + 1
        n = counts[prefix]
        return prefix if kind in ("flatten", "softmax") and n == 1 else f"{prefix}{n}"

    def walk(module, path):
        nonlocal dims
        for child_name, m in module.named_children():
            where = f"{path}.{child_name}" if path else child_name
            if isinstance(m, nn.Sequential):
                walk(m, where)
                continue
            if isinstance(m, _SKIPPED):
                continue
            spec = _layer_spec(m, where, dims)
            spec["name"] = auto_name(spec["type"]) if child_name.isdigit() else where
            layers.append(spec)
            dims = layer_shapes({"input": dict(zip(("channels", "height", "width"), shape)), "layers": layers})[0][-1]

    walk(seq, "")
    if not layers:
        raise ValueError("the Sequential has no layers ConvScope can show")
    arch = {"input": {"channels": shape[0], "height": shape[1], "width": shape[2]}}
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != math.prod(dims):
            raise ValueError(f"labels: {len(labels)} given, the last layer gives {math.prod(dims)} outputs")
        arch["labels"] = labels
    arch["layers"] = layers
    names = [layer["name"] for layer in layers]
    if len(set(names)) != len(names):
        raise ValueError(f"layer names repeat: {names}")
    return arch


def _layer_spec(m, where, dims):
    """One module → its architecture entry (without the name). dims: the shape it gets."""
    kind = type(m).__name__
    if isinstance(m, nn.Conv2d):
        if m.groups != 1 or _pair(m.dilation, 1) != (1, 1) or m.padding_mode != "zeros":
            raise ValueError(f"{where}: Conv2d with groups={m.groups}, dilation={m.dilation}, padding_mode={m.padding_mode!r}; "
                             "ConvScope supports groups 1, dilation 1, zero padding")
        if len(dims) != 3 or dims[0] != m.in_channels:
            raise ValueError(f"{where}: Conv2d expects {m.in_channels} input channels, gets shape {dims}")
        padding = m.padding if isinstance(m.padding, str) else _compact(m.padding)
        return {"type": "conv2d", "out_channels": m.out_channels, "kernel": _compact(m.kernel_size),
                "stride": _compact(m.stride), "padding": padding}
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
        dilation = getattr(m, "dilation", 1)
        if _pair(m.padding, 0) != (0, 0) or m.ceil_mode or _pair(dilation, 1) != (1, 1) \
                or getattr(m, "return_indices", False) or getattr(m, "divisor_override", None):
            raise ValueError(f"{where}: {kind} with padding, dilation, ceil_mode, return_indices or divisor_override; "
                             "ConvScope pools without them")
        stride = m.stride if m.stride is not None else m.kernel_size
        return {"type": "maxpool2d" if isinstance(m, nn.MaxPool2d) else "avgpool2d",
                "kernel": _compact(m.kernel_size), "stride": _compact(stride)}
    for cls, name in _ACTIVATIONS.items():
        if isinstance(m, cls):
            return {"type": name}
    if isinstance(m, nn.Flatten):
        if m.start_dim != 1 or m.end_dim != -1:
            raise ValueError(f"{where}: Flatten(start_dim={m.start_dim}, end_dim={m.end_dim}); ConvScope flattens all of C, H, W")
        return {"type": "flatten"}
    if isinstance(m, nn.Linear):
        if len(dims) != 1 or dims[0] != m.in_features:
            raise ValueError(f"{where}: Linear expects {m.in_features} features, gets shape {dims} (flatten first)")
        return {"type": "dense", "out_features": m.out_features}
    if isinstance(m, nn.Softmax):
        if len(dims) != 1 or m.dim not in (None, 1, -1):
            raise ValueError(f"{where}: Softmax(dim={m.dim}) on shape {dims}; ConvScope's softmax is over a vector's features")
        return {"type": "softmax"}
    raise ValueError(f"{where}: {kind} is not supported by ConvScope (supported: Conv2d, MaxPool2d, AvgPool2d, ReLU, "
                     "Sigmoid, Tanh, Flatten, Linear, Softmax; Dropout and Identity are skipped)")


def _resolve(state, params, layers):
    """{needed tensor name: tensor}. Tensors are found by the architecture's names; if those are not
    in the state_dict (layers renamed), the k-th conv2d/dense layer takes the k-th "<prefix>.weight"
    (and its bias) of the state_dict, in order."""
    param_layers = [layer["name"] for layer in layers if layer["type"] in PARAM_TYPES]
    if all(f"{n}.weight" in state for n in param_layers):
        mapping = {n: n for n in param_layers}
    else:
        prefixes = list(dict.fromkeys(k[: -len(".weight")] for k in state if k.endswith(".weight")))
        if len(prefixes) != len(param_layers):
            missing = [f"{n}.weight" for n in param_layers if f"{n}.weight" not in state]
            raise ValueError(f"state_dict has no {', '.join(missing)}, and its {len(prefixes)} weight tensors "
                             f"({', '.join(prefixes) or 'none'}) cannot stand in, in order, for the "
                             f"{len(param_layers)} conv2d/dense layers ({', '.join(param_layers)})")
        mapping = dict(zip(param_layers, prefixes))
    out, used = {}, set()
    for name, source in mapping.items():
        for part in ("weight", "bias"):
            key, needed = f"{source}.{part}", params[f"{name}.{part}"]
            if key in state:
                t = state[key]
                used.add(key)
            elif part == "bias":
                t = torch.zeros(needed)  # bias=False: PyTorch adds nothing, a zero bias does the same
            else:
                raise ValueError(f"{key}: missing from the state_dict")
            if list(t.shape) != needed:
                label = key if source == name else f"{key} (for layer {name})"
                raise ValueError(f"{label}: shape {list(t.shape)}, architecture needs {needed}")
            out[f"{name}.{part}"] = t
    unused = [k for k in state if k not in used]
    if unused:
        raise ValueError(f"state_dict tensors no layer of the architecture uses: {', '.join(unused)} "
                         "(ConvScope has no layer for them, e.g. batch norm)")
    return out


def _f32_bytes(t, name):
    t = t.detach().to("cpu", torch.float32).contiguous().reshape(-1)
    if not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name}: holds NaN or infinite values")
    a = array("f", t.tolist())
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


def export(module_or_state_dict, architecture, path, metadata=None):
    """Writes a convscope/1 .safetensors file to path (a str or path-like); returns the bytes written.

    module_or_state_dict: an nn.Module or its state_dict (any mapping name → tensor).
    architecture: a dict as in src/io/FORMAT.md §3 ({"input", "labels", "layers"}), e.g. from
    architecture_from_sequential. metadata: extra {key: value}; values become strings
    (description, dataset, test_accuracy, test_auc, trained_by, ... — the page shows description,
    test_accuracy and test_auc). Raises ValueError naming the first layer or tensor that does not fit.
    """
    if isinstance(module_or_state_dict, nn.Module):
        state = module_or_state_dict.state_dict()
    elif isinstance(module_or_state_dict, Mapping):
        state = module_or_state_dict
    else:
        raise TypeError(f"expected an nn.Module or a state_dict, got {type(module_or_state_dict).__name__}")
    layers = architecture.get("layers") or []
    if not layers:
        raise ValueError("architecture: no layers")
    shapes, params = layer_shapes(architecture)
    labels = architecture.get("labels")
    if labels is not None and len(labels) != math.prod(shapes[-1]):
        raise ValueError(f"architecture.labels: {len(labels)} labels, the last layer gives {math.prod(shapes[-1])} outputs")
    tensors = _resolve(state, params, layers)

    meta = {}
    for key, value in (metadata or {}).items():
        if key in ("format", "architecture"):
            raise ValueError(f"metadata: {key!r} is written by export itself")
        meta[str(key)] = value if isinstance(value, str) else json.dumps(value) if isinstance(value, (list, dict)) else str(value)
    meta["format"] = FORMAT
    meta["architecture"] = json.dumps(architecture, separators=(",", ":"), ensure_ascii=False)

    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name in params:  # layer order: weight, then bias
        blob = _f32_bytes(tensors[name], name)
        header[name] = {"dtype": "F32", "shape": params[name], "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    data = struct.pack("<Q", len(text)) + text + b"".join(blobs)
    with open(path, "wb") as f:
        f.write(data)
    return data
