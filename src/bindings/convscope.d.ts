// The JavaScript API of the ConvScope engine: web/engine/convscope.mjs (WebAssembly SIMD) and
// web/engine/convscope-scalar.mjs (the same API without SIMD). The build copies this file beside
// each as convscope.d.mts / convscope-scalar.d.mts. What each call does, its errors and the
// memory rules: src/bindings/README.md. tests/js/api-types.test.mjs calls every member declared
// here and fails on one the engine does not have (or one it has that is not declared).
//
// Every function and method throws a JS Error whose message names the problem (the argument,
// the layer, the tensor) and changes nothing; none aborts the engine. Embind checks the number
// of arguments: pass each one (undefined where it says so).

/** Numbers in: a Float32Array, or any array-like of numbers (converted as Float32Array would). */
export type Floats = Float32Array | ArrayLike<number>;
/** Class labels in: an Int32Array or whole numbers (1.5 is refused, not truncated). */
export type Labels = Int32Array | ArrayLike<number>;

/** An integer n (meaning n × n) or [height, width]. */
export type Pair = number | [number, number];

/** One layer of an architecture (src/io/FORMAT.md §3). */
export interface LayerSpec {
  name: string;
  type: 'conv2d' | 'maxpool2d' | 'avgpool2d' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'flatten' | 'dense';
  out_channels?: number;
  kernel?: Pair;
  stride?: Pair;
  padding?: Pair | 'same' | 'valid';
  out_features?: number;
}

/** A model's architecture, as stored in its file. */
export interface Architecture {
  input: { channels: number; height: number; width: number };
  labels?: string[];
  layers: LayerSpec[];
}

/** What a layer does to the shape of one sample's data, as the engine computes it. */
export interface LayerDescription {
  name: string;
  type: string;
  /** [C, H, W] or [F] */
  inputShape: number[];
  outputShape: number[];
  /** conv2d and pooling: [kh, kw]; null for a layer without a sliding window */
  kernel: [number, number] | null;
  stride: [number, number] | null;
  /** resolved zero padding ("same" can pad one more pixel after than before); null without a window */
  padding: { top: number; bottom: number; left: number; right: number } | null;
}

export interface LayerTrace {
  name: string;
  type: string;
  /** one sample's output shape, [C, H, W] or [F] */
  shape: number[];
  data: Float32Array;
}

/** Every layer's output for one input, in order; output is the last layer's data. */
export interface Trace {
  layers: LayerTrace[];
  output: Float32Array;
}

export interface Parameter {
  /** "<layer>.weight" or "<layer>.bias" */
  name: string;
  /** conv2d weight [OC, IC, KH, KW], dense weight [OUT, IN], bias [OUT] */
  shape: number[];
  data: Float32Array;
}

export interface LossResult {
  /** mean softmax cross-entropy over the batch */
  loss: number;
  /** samples whose largest output is at their label */
  correct: number;
}

export interface OptimizerOptions {
  /** default "adam" */
  optimizer?: 'adam' | 'sgd';
  /** SGD only; default 0.9 */
  momentum?: number;
  /** on weights, not biases (decoupled for Adam); default 0 */
  weightDecay?: number;
}

export interface Jets {
  /** count × 625 values, each image [25][25] (η columns, φ rows), summing to 1 */
  images: Float32Array;
  /** 1 = W/Z (signal), 0 = QCD (background) */
  labels: Int32Array;
  height: 25;
  width: 25;
}

export interface RocCurve {
  /** ε_S at each cut, from 0 to 1 */
  signalEfficiency: Float64Array;
  /** ε_B at each cut, from 0 to 1 */
  backgroundEfficiency: Float64Array;
  /** the cut: scores ≥ threshold pass; Infinity for the first point (nothing passes) */
  threshold: Float32Array;
}

/** Where preprocessing put the canvas in the 28×28 image: canvas point (x, y) lands on
 * (x·scale + offsetX, y·scale + offsetY), in pixel-edge coordinates (pixel (x, y) is the square
 * [x, x+1) × [y, y+1)). */
export interface CanvasPlacement {
  /** 28×28 pixels per canvas pixel: 20 / the ink's bounding box's longer side */
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** preprocessPlaced's result */
export interface PlacedImage {
  /** the 784 values preprocess gives */
  image: Float32Array;
  placement: CanvasPlacement;
}

/** The input's pixel range for the explanations (default [0, 1], MNIST's). */
export interface RangeOption {
  range?: [number, number];
}

/** Activation maximisation: gradient ascent on the input from a seeded image. */
export interface MaximiseOptions extends RangeOption {
  /** the seed image's seed (0 … 2^32 − 1); default 1 */
  seed?: number;
  /** η, as a fraction of the input range; default 0.1 */
  stepSize?: number;
  /** λ of the L2 pull back to the middle of the range; default 0.5 */
  l2?: number;
  /** a 3×3 blur after every blurEvery-th step (0: never); default 8 */
  blurEvery?: number;
}

/** "Make it a …": signed-gradient steps toward a target class, each pixel within ε of the original. */
export interface MakeItOptions extends RangeOption {
  /** the most any pixel may change; default 0.25 */
  epsilon?: number;
  /** the change per pixel per step; default 0.02 */
  stepSize?: number;
  /** default 40 */
  maxSteps?: number;
  /** stop at the first step where the target is the answer; default true */
  stopWhenReached?: boolean;
}

export interface MakeItResult {
  /** the changed input */
  image: Float32Array;
  /** image − input */
  change: Float32Array;
  /** the target's probability after each step taken */
  probabilities: Float32Array;
  /** the model's answer for image */
  predicted: number;
  /** whether the answer is the target */
  reached: boolean;
}

/** A change to a 2D image, applied about its centre (bilinear). Every field optional, default none. */
export interface ImageTransform {
  /** pixels, + = right */
  shiftX?: number;
  /** pixels, + = down */
  shiftY?: number;
  /** degrees, + = clockwise on screen */
  rotation?: number;
  /** > 1 = larger; default 1 */
  scale?: number;
  /** stroke passes: +1 one full dilation, −1 one full erosion, fractions blend */
  thickness?: number;
}

export type SweepAxis = 'shift-x' | 'shift-y' | 'rotation' | 'scale' | 'thickness';

export interface Confusion {
  /** each sample's predicted class (the largest score) */
  predicted: Int32Array;
  /** classes × classes counts, row = true class, column = predicted */
  counts: Int32Array;
  /** samples predicted right */
  correct: number;
}

/** A model in the engine's memory: call delete() when done with it. */
export interface Model {
  readonly architecture: Architecture;
  /** the file's __metadata__ (strings); {} for createModel's models */
  readonly metadata: Record<string, string>;
  /** one per output value: the architecture's labels, else "0", "1", … */
  readonly labels: string[];
  parameterCount(): number;
  /** every layer's shapes, kernel, stride and padding */
  describeLayers(): LayerDescription[];
  /** input: C·H·W values; every layer's output, copied */
  forward(input: Floats): Trace;
  /** forward without copies: the data are views of engine memory, valid until the next call on
   * this model; the same trace object is returned while no buffer moved */
  forwardView(input: Floats): Trace;
  /** the last layer's output for one input (probabilities for a model ending in softmax) */
  predict(input: Floats): Float32Array;
  /** n inputs back to back → n outputs back to back; with out (a Float32Array of at least n
   * outputs), written into it and out returned: nothing allocated per call */
  predictBatch(inputs: Floats, n: number, out?: Float32Array): Float32Array;
  /** true: the plain reference kernels instead of the fast ones (tests compare the two) */
  setReferenceKernels(on: boolean): void;
  /** copies of every learnable tensor */
  parameters(): Parameter[];
  /** fresh He/Glorot weights for a seed (0 … 2^32 − 1); forgets the optimizer's state */
  initialize(seed: number): void;
  /** forgets the optimizer's state */
  setOptimizer(options: OptimizerOptions | undefined): void;
  /** one optimizer step on n labelled inputs at learningRate (≥ 0) → loss and hits before it */
  trainStep(inputs: Floats, labels: Labels, n: number, learningRate: number): LossResult;
  /** one step at the schedule's rate (setSchedule); the schedule moves on */
  trainStep(inputs: Floats, labels: Labels, n: number): LossResult;
  /** the one-cycle schedule: warm-up from 4 % to peak over the first quarter of totalSteps,
   * then a cosine down to 0.2 % of it (the native trainer's schedule) */
  setSchedule(peak: number, totalSteps: number): void;
  /** the rate the next scheduled step will use */
  scheduledRate(): number;
  /** loss and hits on n labelled inputs, without learning */
  evaluate(inputs: Floats, labels: Labels, n: number): LossResult;
  /** d output[index] / d input at input (input's length): of the model's output as loaded
   * (probabilities if it ends in softmax), or of layer `layer`'s output (a name or an index) */
  inputGradient(input: Floats, index: number, layer?: string | number): Float32Array;
  /** activation maximisation's starting image for options.seed (input-sized) */
  maximiseSeed(options: MaximiseOptions | undefined): Float32Array;
  /** one ascent step on image for channel `channel` of layer `layer` (a conv or pool layer) →
   * the new image and the unit's activation before the step */
  maximiseStep(layer: string | number, channel: number, image: Floats, step: number,
               options: MaximiseOptions | undefined): { image: Float32Array; activation: number };
  /** the whole run: the seed image, then options.steps (default 64) steps → the image */
  maximiseChannel(layer: string | number, channel: number, options: (MaximiseOptions & { steps?: number }) | undefined): Float32Array;
  /** signed-gradient steps from input toward class target */
  makeIt(input: Floats, target: number, options: MakeItOptions | undefined): MakeItResult;
  /** one such step from current, bounded around original → the new image and the target's probability */
  makeItStep(original: Floats, current: Floats, target: number, options: MakeItOptions | undefined): { image: Float32Array; probability: number };
  /** the model as a convscope/1 .safetensors file, with these extra metadata strings */
  save(metadata: Record<string, string> | undefined): Uint8Array;
  /** frees the model's memory; the object is unusable after */
  delete(): void;
}

export interface ConvScope {
  /** a model with zero weights: initialize(seed) or train it */
  createModel(architecture: Architecture | string): Model;
  /** the bytes of a convscope/1 .safetensors file */
  loadModel(bytes: Uint8Array | ArrayLike<number>): Model;
  /** describeLayers() of the model this architecture makes, without keeping one */
  describeArchitecture(architecture: Architecture | string): LayerDescription[];
  /** the engine's WebAssembly memory, in bytes */
  memoryBytes(): number;
  /** canvas ink [height][width] (0 background … 255 ink) → 784 values, MNIST style */
  preprocess(pixels: Uint8Array | Uint8ClampedArray | ArrayLike<number>, width: number, height: number): Float32Array;
  /** the same 20-pixel box as preprocess, placed where the ink was on the canvas instead of centred */
  preprocessAsDrawn(pixels: Uint8Array | Uint8ClampedArray | ArrayLike<number>, width: number, height: number): Float32Array;
  /** image [height][width] (sides 1 … 1024) transformed → Float32Array(height·width) */
  transformImage(image: Floats, height: number, width: number, transform: ImageTransform | undefined): Float32Array;
  /** points (2 … 1,001) images with `axis` swept over its whole range, the other
   * fields of transform as given → the amounts and the images back to back */
  transformSweep(image: Floats, height: number, width: number, transform: ImageTransform | undefined,
                 axis: SweepAxis, points: number): { amounts: Float32Array; images: Float32Array };
  /** scores [n][classes] (e.g. predictBatch's) against n labels */
  confusionMatrix(scores: Floats, labels: Labels, classes: number): Confusion;
  /** preprocess's image and where the canvas went in it, to lay a map over the image back over the ink */
  preprocessPlaced(pixels: Uint8Array | Uint8ClampedArray | ArrayLike<number>, width: number, height: number): PlacedImage;
  /** count (1 … 100,000) generated W/Z and QCD jet images, the same for the same seed (0 … 2^32 − 1) */
  generateJets(count: number, seed: number): Jets;
  /** jets [first, first + n) of generateJets(count, seed) alone, bit for bit the same
   * (first 0 … count − 1, n 1 … count − first): a set generated in parts */
  generateJetRange(count: number, seed: number, first: number, n: number): Jets;
  /** area under the ROC curve; labels 0 (background) or 1 (signal); ties count ½ */
  rocAuc(scores: Floats, labels: Labels): number;
  /** the ROC curve, one point per distinct score */
  rocCurve(scores: Floats, labels: Labels): RocCurve;
  /** 1/ε_B at ε_S = signalEfficiency (0 < ε_S ≤ 1), interpolated; Infinity if no background passes */
  backgroundRejection(scores: Floats, labels: Labels, signalEfficiency: number): number;
}

/** Starts an engine instance (browsers and Node ≥ 20.16, no arguments needed). */
export default function createConvScope(moduleArg?: object): Promise<ConvScope>;
