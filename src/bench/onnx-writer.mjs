// A minimal ONNX writer: protobuf wire format by hand for the few messages an inference graph
// needs (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto), and
// onnxFromConvScope(architecture, parameters) → the bytes of an .onnx model with the same weights.
// Field numbers are those of onnx/onnx.proto (IR version 8, default opset 13).

// ---- protobuf wire format ----
// A message is built as an array of byte chunks; wire types: 0 varint, 2 length-delimited, 5 fixed32.
class Message {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }
  push(bytes) {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }
  varint(value) {  // non-negative integers up to 2^53
    const out = [];
    let v = value;
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`onnx-writer: bad varint ${value}`);
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    return this.push(Uint8Array.from(out));
  }
  key(field, wire) {
    return this.varint(field * 8 + wire);
  }
  int(field, value) {  // int32 / int64 / enum; negative values as 10-byte two's complement
    this.key(field, 0);
    if (value >= 0) return this.varint(value);
    const out = [];
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return this.push(Uint8Array.from(out));
  }
  float(field, value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.key(field, 5).push(b);
  }
  bytes(field, bytes) {
    return this.key(field, 2).varint(bytes.length).push(bytes);
  }
  string(field, text) {
    return this.bytes(field, new TextEncoder().encode(text));
  }
  message(field, m) {
    this.key(field, 2).varint(m.length);
    for (const c of m.chunks) this.push(c);
    return this;
  }
  packedInts(field, values) {  // repeated int64, packed
    const m = new Message();
    for (const v of values) m.varint(v);
    return this.message(field, m);
  }
  toBytes() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const FLOAT = 1;  // TensorProto.DataType.FLOAT
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 };  // AttributeProto.AttributeType

// TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian floats)
function tensorProto(name, dims, data) {
  const f = Float32Array.from(data);
  return new Message()
    .packedInts(1, dims)
    .int(2, FLOAT)
    .string(8, name)
    .bytes(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
}

// AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20
function attribute(name, value) {
  const m = new Message().string(1, name);
  if (Array.isArray(value)) return m.packedInts(8, value).int(20, ATTR.INTS);
  if (Number.isInteger(value)) return m.int(3, value).int(20, ATTR.INT);
  return m.float(2, value).int(20, ATTR.FLOAT);
}

// NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5
function nodeProto({ op, name, inputs, outputs, attrs = {} }) {
  const m = new Message();
  for (const i of inputs) m.string(1, i);
  for (const o of outputs) m.string(2, o);
  m.string(3, name).string(4, op);
  for (const [k, v] of Object.entries(attrs)) m.message(5, attribute(k, v));
  return m;
}

// ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1,
//   shape = 2: TensorShapeProto { dim = 1: { dim_value = 1 | dim_param = 2 } } } } }
function valueInfo(name, dims) {
  const shape = new Message();
  for (const d of dims) {
    const dim = new Message();
    if (typeof d === 'string') dim.string(2, d);
    else dim.int(1, d);
    shape.message(1, dim);
  }
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

// graph: {name, nodes: [{op, name, inputs, outputs, attrs}], initializers: [{name, dims, data}],
//         inputs: [{name, dims}], outputs: [{name, dims}]}  → ModelProto bytes.
export function writeOnnx(graph, { opset = 13, irVersion = 8, producer = 'convscope-bench' } = {}) {
  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12
  const g = new Message();
  for (const n of graph.nodes) g.message(1, nodeProto(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensorProto(t.name, t.dims, t.data));
  for (const v of graph.inputs) g.message(11, valueInfo(v.name, v.dims));
  for (const v of graph.outputs) g.message(12, valueInfo(v.name, v.dims));
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 {domain 1, version 2}
  return new Message()
    .int(1, irVersion)
    .string(2, producer)
    .message(7, g)
    .message(8, new Message().string(1, '').int(2, opset))
    .toBytes();
}

// ---- ConvScope architecture → ONNX graph ----

const pair = (v) => (Array.isArray(v) ? v : [v, v]);

// [top, left, bottom, right] for a conv2d's padding (int, [h, w], "valid" or "same" as in
// PyTorch: the extra row/column of an even kernel goes after).
export function convPads(padding, kernel, stride, h, w) {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const [kh, kw] = kernel;
    const [sh, sw] = stride;
    if (sh !== 1 || sw !== 1) throw new Error('padding "same" needs stride 1');
    return [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2), Math.ceil((kh - 1) / 2), Math.ceil((kw - 1) / 2)];
  }
  const [ph, pw] = pair(padding);
  return [ph, pw, ph, pw];
}

// The same model as an ONNX graph: input "input" [N, C, H, W], output "output" [N, classes].
// parameters: [{name, shape, data}] as model.parameters() gives them (PyTorch layouts, which
// are ONNX's too: Conv W [M, C, kH, kW], Gemm with transB = 1 takes dense W [out, in]).
export function onnxFromConvScope(architecture, parameters) {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const { channels, height, width } = architecture.input;
  const nodes = [];
  const initializers = [];
  let current = 'input';
  let shape = [channels, height, width];
  const layers = architecture.layers;
  layers.forEach((layer, i) => {
    const out = i === layers.length - 1 ? 'output' : layer.name;
    const node = (op, inputs, attrs) => nodes.push({ op, name: layer.name, inputs, outputs: [out], attrs });
    const weights = () => {
      for (const suffix of ['weight', 'bias']) {
        const p = byName.get(`${layer.name}.${suffix}`);
        if (!p) throw new Error(`onnx: no parameter ${layer.name}.${suffix}`);
        initializers.push({ name: p.name, dims: p.shape, data: p.data });
      }
      return [`${layer.name}.weight`, `${layer.name}.bias`];
    };
    switch (layer.type) {
      case 'conv2d': {
        const kernel = pair(layer.kernel);
        const stride = pair(layer.stride ?? 1);
        const pads = convPads(layer.padding, kernel, stride, shape[1], shape[2]);
        node('Conv', [current, ...weights()], { kernel_shape: kernel, strides: stride, pads });
        shape = [layer.out_channels,
          Math.floor((shape[1] + pads[0] + pads[2] - kernel[0]) / stride[0]) + 1,
          Math.floor((shape[2] + pads[1] + pads[3] - kernel[1]) / stride[1]) + 1];
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const kernel = pair(layer.kernel);
        const stride = pair(layer.stride ?? layer.kernel);
        node(layer.type === 'maxpool2d' ? 'MaxPool' : 'AveragePool', [current], { kernel_shape: kernel, strides: stride });
        shape = [shape[0], Math.floor((shape[1] - kernel[0]) / stride[0]) + 1, Math.floor((shape[2] - kernel[1]) / stride[1]) + 1];
        break;
      }
      case 'relu': node('Relu', [current]); break;
      case 'sigmoid': node('Sigmoid', [current]); break;
      case 'tanh': node('Tanh', [current]); break;
      case 'softmax': node('Softmax', [current], { axis: -1 }); break;
      case 'flatten':
        node('Flatten', [current], { axis: 1 });  // NCHW → [N, C·H·W], channel-major like ours
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense':
        node('Gemm', [current, ...weights()], { transB: 1 });
        shape = [layer.out_features];
        break;
      default:
        throw new Error(`onnx: layer type ${layer.type} not supported`);
    }
    current = out;
  });
  if (current !== 'output') throw new Error('onnx: empty architecture');
  return writeOnnx({
    name: 'convscope',
    nodes,
    initializers,
    inputs: [{ name: 'input', dims: ['N', channels, height, width] }],
    outputs: [{ name: 'output', dims: ['N', ...shape] }],
  });
}
