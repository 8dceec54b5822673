// Reference conv2d: the definition, loop for loop. Slow on purpose; the fast kernels are checked
// against it.
#include "kernels/kernels.hpp"

namespace convscope::kernels {

namespace {

// Output (o, y, x) of one sample: the bias, then the taps in order.
float conv_at(const Conv2dGeometry& g, const float* in, const float* weight, const float* bias,
              std::size_t o, std::size_t y, std::size_t x) {
  const Window& k = g.win;
  float sum = bias[o];
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < k.kh; ++ky)
      for (std::size_t kx = 0; kx < k.kw; ++kx) {
        // input coordinates, shifted by the padding; outside the image reads zero
        const std::size_t iy = y * k.sh + ky, ix = x * k.sw + kx;
        if (iy < k.pad_top || ix < k.pad_left) continue;
        if (iy - k.pad_top >= g.h || ix - k.pad_left >= g.w) continue;
        sum += weight[((o * g.ic + i) * k.kh + ky) * k.kw + kx] *
               in[(i * g.h + iy - k.pad_top) * g.w + ix - k.pad_left];
      }
  return sum;
}

}  // namespace

void conv2d_f32_scalar(const Conv2dGeometry& g, const float* in, const float* weight, const float* bias,
                       float* out) {
  for (std::size_t o = 0; o < g.oc; ++o)
    for (std::size_t y = 0; y < g.oh; ++y)
      for (std::size_t x = 0; x < g.ow; ++x)
        out[(o * g.oh + y) * g.ow + x] = conv_at(g, in, weight, bias, o, y, x);
}

void conv2d_relu_maxpool2x2_batch_f32_scalar(const Conv2dGeometry& g, std::size_t n, const float* in,
                                             const float* weight, const float* bias, float* out) {
  const std::size_t ph = g.oh / 2, pw = g.ow / 2, in_size = g.ic * g.h * g.w;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t o = 0; o < g.oc; ++o)
      for (std::size_t y = 0; y < ph; ++y)
        for (std::size_t x = 0; x < pw; ++x) {
          float m = 0.0f;  // = max(·, 0) of the four: the ReLU
          for (std::size_t dy = 0; dy < 2; ++dy)
            for (std::size_t dx = 0; dx < 2; ++dx) {
              const float v = conv_at(g, in + s * in_size, weight, bias, o, 2 * y + dy, 2 * x + dx);
              m = v > m ? v : m;
            }
          out[((s * g.oc + o) * ph + y) * pw + x] = m;
        }
}

void conv2d_batch_f32_scalar(const Conv2dGeometry& g, std::size_t n, const float* in,
                             const float* weight, const float* bias, bool relu, float* out) {
  const std::size_t in_size = g.ic * g.h * g.w, out_size = g.oc * g.oh * g.ow;
  for (std::size_t s = 0; s < n; ++s) {
    float* y = out + s * out_size;
    conv2d_f32_scalar(g, in + s * in_size, weight, bias, y);
    if (relu)
      for (std::size_t j = 0; j < out_size; ++j) y[j] = y[j] > 0.0f ? y[j] : 0.0f;
  }
}

void conv2d_backward_f32_scalar(const Conv2dGeometry& g, const float* in, const float* weight,
                                const float* dout, float* din, float* dweight, float* dbias) {
  const Window& k = g.win;
  if (din)
    for (std::size_t i = 0; i < g.ic * g.h * g.w; ++i) din[i] = 0;
  for (std::size_t o = 0; o < g.oc; ++o)
    for (std::size_t y = 0; y < g.oh; ++y)
      for (std::size_t x = 0; x < g.ow; ++x) {
        const float d = dout[(o * g.oh + y) * g.ow + x];
        dbias[o] += d;
        for (std::size_t i = 0; i < g.ic; ++i)
          for (std::size_t ky = 0; ky < k.kh; ++ky)
            for (std::size_t kx = 0; kx < k.kw; ++kx) {
              const std::size_t iy = y * k.sh + ky, ix = x * k.sw + kx;
              if (iy < k.pad_top || ix < k.pad_left) continue;
              if (iy - k.pad_top >= g.h || ix - k.pad_left >= g.w) continue;
              const std::size_t wi = ((o * g.ic + i) * k.kh + ky) * k.kw + kx;
              const std::size_t xi = (i * g.h + iy - k.pad_top) * g.w + ix - k.pad_left;
              dweight[wi] += d * in[xi];
              if (din) din[xi] += d * weight[wi];
            }
      }
}

}  // namespace convscope::kernels
