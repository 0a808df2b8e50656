// RAII wrappers over the HDF5 C API: one class owns each hid_t. Every failure throws with the
// file and object named; read failures are InputError (a damaged or foreign file is bad input),
// write failures are std::runtime_error.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace distgae {

// Owns one HDF5 identifier and closes it with the matching H5*close.
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  H5Handle(H5Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  H5Handle& operator=(H5Handle&& other) noexcept;
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

template <class T>
hid_t h5_native_type() {
  if constexpr (std::is_same_v<T, float>)
    return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else
    static_assert(sizeof(T) == 0, "no HDF5 type for this C++ type");
}

// Stops HDF5 from printing its error stack to stderr: we report errors ourselves, in one line.
void silence_hdf5_errors();

// Whether `prefix` (a file's first bytes) starts with the 8-byte HDF5 signature. Only files with
// no user block have it at offset 0, which is what HDF5 writes by default.
bool has_hdf5_signature(std::string_view prefix);

// The dataspaces of rows [first_row, first_row + count) of the 2-D dataset `set`: the file's
// selection (none when count is 0) and a matching [count, columns] memory space. `problem` is
// empty, or says what is wrong (not 2-D, not `width` columns when width > 0, rows past the end)
// for the caller to report in its own error.
struct RowSelection {
  H5Handle file_space, memory_space;
  hsize_t columns = 0;
  std::string problem;
};
RowSelection select_rows(hid_t set, const std::string& dataset, hsize_t first_row, hsize_t count,
                         hsize_t width = 0);

class H5File {
 public:
  enum class Mode { kRead, kCreate };
  H5File(std::string path, Mode mode);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }
  bool exists(const std::string& object) const;
  std::vector<hsize_t> shape(const std::string& dataset) const;

  // Writes a dataset; `dims` default to {values.size()}. Parent groups are created as needed.
  template <class T>
  void write(const std::string& dataset, std::span<const T> values,
             std::vector<hsize_t> dims = {}) {
    if (dims.empty()) dims = {static_cast<hsize_t>(values.size())};
    write_raw(dataset, h5_native_type<T>(), values.data(), values.size(), dims);
  }
  template <class T>
  void write(const std::string& dataset, const std::vector<T>& values,
             std::vector<hsize_t> dims = {}) {
    write(dataset, std::span<const T>(values), std::move(dims));
  }

  // Creates a [num_rows, width] float32 dataset, contiguous and with its space allocated now,
  // so that other processes can later fill its rows in parallel (comm/collective_h5.hpp).
  void create_rows(const std::string& dataset, hsize_t num_rows, hsize_t width);
  // Rows [first_row, first_row + rows.size() / width) of a [*, width] float32 dataset.
  void write_rows(const std::string& dataset, hsize_t first_row, std::span<const float> rows,
                  hsize_t width);
  // Reads rows [first_row, first_row + count) of a 2-D dataset as float; the rows must exist.
  std::vector<float> read_rows(const std::string& dataset, hsize_t first_row, hsize_t count) const;

  // Reads a whole dataset, converted to T. `expected_rank` (when > 0) is checked, and so is its
  // element count against what the file can hold (backed_element_count) before any allocation.
  template <class T>
  std::vector<T> read(const std::string& dataset, int expected_rank = 0) const {
    const std::vector<hsize_t> dims = shape(dataset);
    check_rank(dataset, dims, expected_rank);
    const std::size_t count = backed_element_count(dataset, dims);
    std::vector<T> values(count);
    read_raw(dataset, h5_native_type<T>(), values.data(), count);
    return values;
  }

  // Attributes on an object ("/" for the file's root group).
  template <class T>
  requires std::is_arithmetic_v<T>
  void write_attribute(const std::string& object, const std::string& name, T value) {
    write_attribute_raw(object, name, h5_native_type<T>(), &value);
  }
  void write_attribute(const std::string& object, const std::string& name,
                       const std::string& value);
  template <class T>
  requires std::is_arithmetic_v<T> T read_attribute(const std::string& object,
                                                    const std::string& name)
  const {
    T value{};
    read_attribute_raw(object, name, h5_native_type<T>(), &value);
    return value;
  }
  std::string read_string_attribute(const std::string& object, const std::string& name) const;

  void flush();

  // The number of elements of a dataset of shape `dims`, once checked against the bytes that back
  // it: this file's size (a virtual dataset's: its source files' too), as many elements as one
  // byte can hold at deflate's best ratio (1024), plus 2^24. A shape costs nothing to declare
  // (unwritten chunks read as fill values), so without this a damaged header of a few bytes
  // could make a reader allocate terabytes; InputError naming the file and dataset instead.
  std::size_t backed_element_count(const std::string& dataset,
                                   const std::vector<hsize_t>& dims) const;

 private:
  void write_raw(const std::string& dataset, hid_t type, const void* data, std::size_t count,
                 const std::vector<hsize_t>& dims);
  void read_raw(const std::string& dataset, hid_t type, void* data, std::size_t count) const;
  void check_rank(const std::string& dataset, const std::vector<hsize_t>& dims,
                  int expected_rank) const;
  void write_attribute_raw(const std::string& object, const std::string& name, hid_t type,
                           const void* value);
  void read_attribute_raw(const std::string& object, const std::string& name, hid_t type,
                          void* value) const;
  H5Handle open_attribute(const std::string& object, const std::string& name) const;
  std::uint64_t backing_bytes(const std::string& dataset) const;
  [[noreturn]] void fail_read(const std::string& what) const;
  [[noreturn]] void fail_write(const std::string& what) const;

  std::string path_;
  H5Handle file_;
};

}  // namespace distgae
