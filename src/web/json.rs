//! A small serde serializer to JSON text, for handing plain objects to
//! JavaScript through one `JSON.parse`. It replaces serde-wasm-bindgen's
//! serializer, which builds objects field by field through the bindings and
//! costs several times the code. It covers what the API returns: structs
//! (internally tagged enums included), sequences, tuples, options, bools,
//! integers, finite floats and strings; `None` becomes `null`.

use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize};

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Res = Result<(), Error>;

fn unsupported(what: &str) -> Res {
    Err(Error(format!("{what} is not supported")))
}

pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut w = Json { out: String::new(), first: false };
    value.serialize(&mut w)?;
    Ok(w.out)
}

pub struct Json {
    out: String,
    /// No element written yet in the innermost array or object.
    first: bool,
}

impl Json {
    fn open(&mut self, c: char) {
        self.out.push(c);
        self.first = true;
    }
    fn sep(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }
    fn close(&mut self, c: char) {
        self.out.push(c);
        self.first = false;
    }
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
    fn key(&mut self, key: &str) {
        self.sep();
        self.string(key);
        self.out.push(':');
    }
    fn uint(&mut self, v: u64) -> Res {
        let _ = write!(self.out, "{v}");
        Ok(())
    }
    /// A finite float as text that JSON.parse reads back as exactly `v`,
    /// without Rust's float formatting (several KB of wasm). The API's floats
    /// are microseconds in milliseconds and parts per million in percent:
    /// `v` is `m / 10^k` for a small `k`, and since both that division and
    /// JSON.parse round correctly, the decimal `m * 10^-k` reads back as
    /// `v`. Anything else goes through JavaScript's own `Number#toString`
    /// (shortest round-trip digits, which JSON also accepts).
    fn float(&mut self, v: f64) {
        let mut scale = 1u64;
        for k in 0..=7 {
            let m = (v * scale as f64).round();
            if m.abs() < 9_007_199_254_740_992.0 && m / scale as f64 == v {
                let m = m as i64;
                if m < 0 || (m == 0 && v.is_sign_negative()) {
                    self.out.push('-');
                }
                let m = m.unsigned_abs();
                let _ = write!(self.out, "{}", m / scale);
                if k > 0 {
                    let frac = m % scale;
                    if frac != 0 {
                        let mut digits = [b'0'; 7];
                        let mut f = frac;
                        for i in (0..k).rev() {
                            digits[i] = b'0' + (f % 10) as u8;
                            f /= 10;
                        }
                        let mut n = k;
                        while digits[n - 1] == b'0' {
                            n -= 1;
                        }
                        self.out.push('.');
                        self.out.push_str(std::str::from_utf8(&digits[..n]).unwrap_or(""));
                    }
                }
                return;
            }
            scale *= 10;
        }
        let text: String = js_sys::Number::from(v).to_string_with_radix(10).map(String::from).unwrap_or_default();
        self.out.push_str(&text);
    }
    fn int(&mut self, v: i64) -> Res {
        let _ = write!(self.out, "{v}");
        Ok(())
    }
}

impl ser::Serializer for &mut Json {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Res {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.uint(v.into())
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.uint(v.into())
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.uint(v.into())
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.uint(v)
    }
    fn serialize_f32(self, v: f32) -> Res {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Res {
        // Every float the API returns is finite.
        if !v.is_finite() {
            return unsupported("a non-finite number");
        }
        self.float(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Res {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Res {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Res {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Res {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Res {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Res {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Res {
        unsupported("a newtype variant")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        self.open('[');
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error("a tuple variant is not supported".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error("a map is not supported".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.open('{');
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error("a struct variant is not supported".into()))
    }
}

impl ser::SerializeSeq for &mut Json {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.sep();
        value.serialize(&mut **self)
    }
    fn end(self) -> Res {
        self.close(']');
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Json {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut Json {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeStruct for &mut Json {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.key(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Res {
        self.close('}');
        Ok(())
    }
}
