// Config struct fields bound one-to-one: each under its C++ name (which is the Python option's name,
// python/mekong/_options.py), with a TypeError naming "Struct.field" for a value of the wrong type.
// Conversions only.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace mekong::py_fields {

namespace py = pybind11;

inline std::string type_name(const py::handle& v) { return py::str(py::type::handle_of(v).attr("__name__")); }

template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

// The Python name of a bound class or enum.
template <class T>
std::string bound_name() {
  const py::handle h = py::detail::get_type_handle(typeid(T), false);
  return h ? std::string(py::str(h.attr("__name__"))) : std::string("the bound type");
}

// What a field holds, in words a Python user reads.
template <class T>
std::string expected() {
  if constexpr (std::is_same_v<T, bool>)
    return "a bool";
  else if constexpr (std::is_enum_v<T>)
    return "a " + bound_name<T>();
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>)
    return "a non-negative int";
  else if constexpr (std::is_integral_v<T>)
    return "an int";
  else if constexpr (std::is_floating_point_v<T>)
    return "a float";
  else if constexpr (std::is_same_v<T, std::string>)
    return "a str";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>)
    return "a list of str";
  else if constexpr (std::is_same_v<T, std::vector<std::vector<std::string>>>)
    return "a list of lists of str";
  else if constexpr (std::is_same_v<T, std::vector<std::pair<std::string, std::string>>>)
    return "a list of (str, str) pairs";
  else if constexpr (is_pair<T>::value)
    return "a pair (" + expected<typename T::first_type>() + ", " + expected<typename T::second_type>() + ")";
  else
    return "a " + bound_name<T>();
}

// A value for field `qual` ("SegmentConfig.min_token_length"): pybind11's conversion, without reading
// a bool as a number or a number as a bool; TypeError naming the field otherwise.
template <class T>
T load_field(const std::string& qual, const py::handle& value) {
  py::detail::make_caster<T> caster;
  bool ok;
  if constexpr (std::is_same_v<T, bool>)
    ok = caster.load(value, false);
  else if constexpr (std::is_same_v<T, std::string>)
    ok = PyUnicode_Check(value.ptr()) && caster.load(value, true);
  else if constexpr (std::is_arithmetic_v<T>)
    ok = !PyBool_Check(value.ptr()) && caster.load(value, true);
  else
    ok = caster.load(value, true);
  if (!ok) throw py::type_error(qual + " must be " + expected<T>() + "; got " + type_name(value));
  return py::detail::cast_op<T>(std::move(caster));
}

template <class C>
std::string qualified(const py::class_<C>& cls, const char* name) {
  return std::string(py::str(cls.attr("__name__"))) + "." + name;
}

// A field bound under its own name; nested structs come back as references into their owner, so
// `cfg.normalize.tone_marks = ...` changes cfg.
template <class C, class T>
void field(py::class_<C>& cls, const char* name, T C::*member) {
  const std::string qual = qualified(cls, name);
  cls.def_property(
      name, [member](const C& c) -> const T& { return c.*member; },
      [member, qual](C& c, const py::object& value) { c.*member = load_field<T>(qual, value); });
}

// A learned model held by shared_ptr: the same core object, never a copy; None for none.
template <class C, class M>
void model_field(py::class_<C>& cls, const char* name, std::shared_ptr<const M> C::*member) {
  const std::string qual = qualified(cls, name);
  cls.def_property(
      name, [member](const C& c) { return std::const_pointer_cast<M>(c.*member); },
      [member, qual](C& c, const py::object& value) {
        if (value.is_none()) {
          c.*member = nullptr;
        } else if (py::isinstance<M>(value)) {
          c.*member = value.cast<std::shared_ptr<M>>();
        } else {
          throw py::type_error(qual + " must be " + expected<M>() + " or None; got " + type_name(value));
        }
      });
}

}  // namespace mekong::py_fields
