//! The arguments of the JavaScript API, checked. Every public method takes
//! its arguments as `JsValue` and reads them here: a value of the wrong type
//! throws a `TypeError` naming the method and the argument, one of the right
//! type but out of range a `RangeError`. (Typed parameters would let the
//! generated glue pass, for instance, a number where a string is expected,
//! which it reads as a pointer into wasm memory and corrupts it.)

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What a JavaScript value is, for error messages: `the number 1`, `the
/// string "x"`, `an array`, `undefined`.
pub(super) fn describe(value: &JsValue) -> String {
    if let Some(n) = value.as_f64() {
        return format!("the number {}", num(n));
    }
    if let Some(s) = value.as_string() {
        let shown: String = s.chars().take(40).collect();
        let cut = if shown.len() < s.len() { "…" } else { "" };
        return format!("the string \"{shown}{cut}\"");
    }
    if let Some(b) = value.as_bool() {
        return b.to_string();
    }
    if value.is_undefined() {
        return "undefined".into();
    }
    if value.is_null() {
        return "null".into();
    }
    if js_sys::Array::is_array(value) {
        return "an array".into();
    }
    match value.js_typeof().as_string().as_deref() {
        Some("function") => "a function".into(),
        Some("bigint") => "a BigInt".into(),
        Some("symbol") => "a symbol".into(),
        _ => "an object".into(),
    }
}

/// A number as JavaScript writes it. Formatting an `f64` in Rust would
/// link its float-to-text code, several KB of wasm, for error messages.
pub(super) fn num(value: f64) -> String {
    js_sys::Number::from(value).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// A `TypeError`: `method: 'name' must be EXPECTED, not DESCRIPTION`.
pub(super) fn type_error(method: &str, name: &str, expected: &str, value: &JsValue) -> JsValue {
    js_sys::TypeError::new(&format!("{method}: '{name}' must be {expected}, not {}", describe(value))).into()
}

/// A `RangeError` with `message`.
pub(super) fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}

/// One argument of one method, to read as the type it must be.
pub(super) struct Arg<'a> {
    pub method: &'static str,
    pub name: &'static str,
    pub value: &'a JsValue,
}

/// `arg!(method, name)`: the argument `name` of `method`, for error
/// messages; `arg!(method, name as "jsName")` where JavaScript calls it
/// otherwise.
macro_rules! arg {
    ($method:literal, $name:ident) => {
        $crate::web::args::Arg { method: $method, name: stringify!($name), value: &$name }
    };
    ($method:literal, $name:ident as $js:literal) => {
        $crate::web::args::Arg { method: $method, name: $js, value: &$name }
    };
}
pub(super) use arg;

impl<'a> Arg<'a> {
    fn wrong(&self, expected: &str) -> JsValue {
        type_error(self.method, self.name, expected, self.value)
    }

    fn absent(&self) -> bool {
        self.value.is_undefined() || self.value.is_null()
    }

    /// A number (NaN and infinities included: ranges are checked after).
    pub fn number(&self) -> Result<f64, JsValue> {
        self.value.as_f64().ok_or_else(|| self.wrong("a number"))
    }

    /// A number, or `undefined`/`null`.
    pub fn optional_number(&self) -> Result<Option<f64>, JsValue> {
        if self.absent() {
            return Ok(None);
        }
        self.value.as_f64().map(Some).ok_or_else(|| self.wrong("a number or undefined"))
    }

    /// A whole number in `low..=high`: a `TypeError` for anything but a
    /// number, a `RangeError` for a number outside.
    pub fn whole(&self, low: f64, high: f64, what: &str) -> Result<f64, JsValue> {
        let value = self.number()?;
        in_range(value, low, high, &format!("{}: '{}' ({what})", self.method, self.name))
    }

    pub fn string(&self) -> Result<String, JsValue> {
        self.value.as_string().ok_or_else(|| self.wrong("a string"))
    }

    /// A string, or `undefined`/`null`.
    pub fn optional_string(&self) -> Result<Option<String>, JsValue> {
        if self.absent() {
            return Ok(None);
        }
        self.value.as_string().map(Some).ok_or_else(|| self.wrong("a string or undefined"))
    }

    /// `true` or `false`; `undefined` (left out) is `default`.
    pub fn flag(&self, default: bool) -> Result<bool, JsValue> {
        if self.value.is_undefined() {
            return Ok(default);
        }
        self.value.as_bool().ok_or_else(|| self.wrong("true or false"))
    }

    /// An array, every element read by `read` (which names the element).
    pub fn array<T>(&self, expected: &str, mut read: impl FnMut(&JsValue) -> Option<T>) -> Result<Vec<T>, JsValue> {
        let array = self.value.dyn_ref::<js_sys::Array>().ok_or_else(|| self.wrong(expected))?;
        array.iter().map(|item| read(&item).ok_or_else(|| self.wrong(expected))).collect()
    }

    /// An instance of the web type `T` (checked with `instanceof`).
    pub fn instance<T: JsCast>(&self, expected: &str) -> Result<&'a T, JsValue> {
        self.value.dyn_ref::<T>().ok_or_else(|| self.wrong(expected))
    }

    /// A plain object (not an array), or `undefined`/`null` for `None`.
    pub fn optional_object(&self) -> Result<Option<&'a js_sys::Object>, JsValue> {
        if self.absent() {
            return Ok(None);
        }
        if self.value.is_object() && !js_sys::Array::is_array(self.value) && !self.value.is_function() {
            Ok(Some(self.value.unchecked_ref()))
        } else {
            Err(self.wrong("an object or undefined"))
        }
    }
}

/// `value` if it is a whole number in `low..=high`, else a `RangeError`
/// that names `what`.
pub(super) fn in_range(value: f64, low: f64, high: f64, what: &str) -> Result<f64, JsValue> {
    if !value.is_finite() || value.fract() != 0.0 || value < low || value > high {
        return Err(range_error(&format!(
            "{what} must be a whole number from {} to {}, not {}",
            num(low),
            num(high),
            num(value)
        )));
    }
    Ok(value)
}

/// `object[key]`, or `None` when it is undefined or null.
pub(super) fn field(object: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    let value = js_sys::Reflect::get(object, &JsValue::from_str(key))?;
    Ok(if value.is_undefined() || value.is_null() { None } else { Some(value) })
}

/// A field of an options or style object: `RaftLab.create: options.nodes`.
pub(super) fn field_error(what: &str, key: &str, expected: &str, value: &JsValue) -> JsValue {
    js_sys::TypeError::new(&format!("{what}.{key} must be {expected}, not {}", describe(value))).into()
}
