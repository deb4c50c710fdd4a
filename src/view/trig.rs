//! Trigonometry for drawing. In the browser it is JavaScript's `Math`:
//! Rust's own `sin`/`cos`/`atan2` compile to software routines in wasm
//! (several KB the page would download); natively they are the usual ones.
//! Only positions on the canvas depend on these, never the simulation, so
//! the two giving different last bits changes nothing that is tested.

#[cfg(target_arch = "wasm32")]
mod imp {
    pub fn sin(x: f64) -> f64 {
        js_sys::Math::sin(x)
    }
    pub fn cos(x: f64) -> f64 {
        js_sys::Math::cos(x)
    }
    pub fn atan2(y: f64, x: f64) -> f64 {
        js_sys::Math::atan2(y, x)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn sin(x: f64) -> f64 {
        x.sin()
    }
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }
    pub fn atan2(y: f64, x: f64) -> f64 {
        y.atan2(x)
    }
}

pub use imp::{atan2, cos, sin};
