//! The engine layer's first floor: handles and values (see `engine`).

pub(crate) mod boundary;
pub(crate) mod ctx;
pub(crate) mod error;
pub(crate) mod held;
pub(crate) mod interrupts;
pub(crate) mod stack;
pub(crate) mod state;
pub(crate) mod sync;
pub(crate) mod traits;
pub(crate) mod value;
