//! The crate's standard library: MicroQuickJS's built-ins, mqjs's own
//! globals (`load`, timers) and the `#[js]` items of `src/native.rs`, in
//! ROM; and mqjs itself compiled over it.
fn main() {
    mquickjs_sys::build::Stdlib::new()
        .module("src/native.rs")
        .mqjs()
        .build();
}
