// Scratch storage for the kernels: a float vector whose growth leaves the new floats as they are.
// Every kernel writes its scratch before it reads it. std::vector<float>::resize zeroes the new
// floats one at a time, and a model's first prediction runs in the browser's baseline compiler,
// where that loop stood out in a profile of a cold start's first prediction.
#pragma once
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace convscope {

// std::allocator, except that construct() without arguments default-initialises (a no-op for a
// float) instead of value-initialising.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible<U>::value) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using ScratchFloats = std::vector<float, DefaultInitAllocator<float>>;

}  // namespace convscope
