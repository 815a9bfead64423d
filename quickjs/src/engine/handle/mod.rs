//! The engine layer's first floor: handles and values (see `engine`).

pub(crate) mod boundary;
#[cfg(not(quickjs_bellard))]
pub(crate) mod c_closure;
pub(crate) mod ctx;
pub(crate) mod error;
pub(crate) mod held;
pub(crate) mod interrupts;
pub(crate) mod stack;
pub(crate) mod state;
pub(crate) mod sync;
pub(crate) mod traits;
pub(crate) mod value;
