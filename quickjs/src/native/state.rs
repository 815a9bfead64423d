//! The native layer's parts of a runtime's and a context's state (the
//! states themselves are `engine::handle::state`'s):
//!
//! * [`NativeRuntime`]: the `#[js]` class behind each class id registered
//!   in the runtime (an instance of a derived class met where its parent
//!   class is expected is found through it);
//! * [`NativeContext`]: whether `JS_AddRust` ran in the context, and the
//!   native modules declared there (the module initializer finds its
//!   module by its definition);
//! * [`spawn`]: a Rust future started in a context, on its runtime's
//!   executor.
//!
//! Invariant: used on the runtime's owner thread only (as the states are).

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::{
    ContextPart, ContextSlot, RuntimePart, RuntimeSlot, RuntimeState,
};
use crate::engine::handle::value::Value;
use crate::engine::objects::realm::context_state;
use crate::exec::executor::{Executor, Origin, TaskName};
use crate::native::class::ClassDef;
use crate::native::module::NativeModule;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::future::Future;

/// The native layer's part of a runtime's state.
#[derive(Default)]
pub(crate) struct NativeRuntime {
    /// The `#[js]` class of each class id that is one.
    classes: RefCell<Vec<Option<&'static ClassDef>>>,
}

impl RuntimePart for NativeRuntime {
    const SLOT: RuntimeSlot = RuntimeSlot::Native;
}

impl NativeRuntime {
    /// The part of `state`.
    #[inline]
    pub(crate) fn of(state: &RuntimeState) -> &NativeRuntime {
        state.part(NativeRuntime::default)
    }

    /// Records that `def` (process-wide index `index`) is registered in
    /// `state`'s runtime as `id`.
    pub(crate) fn set_class(state: &RuntimeState, id: sys::JSClassID, def: &'static ClassDef) {
        state.set_class_id(def.index(), id);
        let mut classes = Self::of(state).classes.borrow_mut();
        let slot = id as usize;
        if classes.len() <= slot {
            classes.resize(slot + 1, None);
        }
        classes[slot] = Some(def);
    }

    /// The `#[js]` classes registered here that extend `def`, with their ids.
    pub(crate) fn classes_extending(
        &self,
        def: &'static ClassDef,
    ) -> Vec<(sys::JSClassID, &'static ClassDef)> {
        self.classes
            .borrow()
            .iter()
            .enumerate()
            .filter_map(|(id, d)| Some((id as sys::JSClassID, (*d)?)))
            .filter(|(_, d)| !std::ptr::eq(*d, def) && d.is_a(def))
            .collect()
    }
}

/// The native layer's part of a context's state.
#[derive(Default)]
pub(crate) struct NativeContext {
    /// `JS_AddRust` already ran for this context.
    modules_added: Cell<bool>,
    /// The native modules declared in this context, by module definition.
    modules: RefCell<Vec<(*mut sys::JSModuleDef, &'static NativeModule)>>,
}

impl ContextPart for NativeContext {
    const SLOT: ContextSlot = ContextSlot::Native;
}

impl NativeContext {
    /// The part of `ctx`'s state, made (with the state) on first use.
    pub(crate) fn of<'a>(ctx: Ctx<'_>) -> Result<&'a NativeContext> {
        Ok(context_state(ctx)?.part(NativeContext::default))
    }

    /// The part of `ctx`'s state, if it was made.
    pub(crate) fn of_if_made<'a>(ctx: Ctx<'_>) -> Option<&'a NativeContext> {
        crate::engine::handle::state::ContextState::of(ctx)?.part_if_made()
    }

    /// Records that `JS_AddRust` ran for this context; whether it had already.
    pub(crate) fn mark_modules_added(&self) -> bool {
        self.modules_added.replace(true)
    }

    /// Records that `def` is the module definition of `module` here.
    pub(crate) fn add_module(&self, def: *mut sys::JSModuleDef, module: &'static NativeModule) {
        self.modules.borrow_mut().push((def, module));
    }

    /// The native module of module definition `def`.
    pub(crate) fn module(&self, def: *mut sys::JSModuleDef) -> Option<&'static NativeModule> {
        self.modules
            .borrow()
            .iter()
            .find(|(d, _)| *d == def)
            .map(|&(_, m)| m)
    }
}

/// Spawns `future` on the runtime's executor for `ctx`; returns its Promise.
#[inline]
pub(crate) fn spawn<'js, Fut>(
    ctx: Ctx<'js>,
    name: TaskName,
    origin: Origin,
    future: Fut,
) -> Result<Value<'js>>
where
    Fut: Future + Send + 'static,
    Fut::Output: for<'a> crate::engine::handle::traits::IntoJs<'a> + Send + 'static,
{
    let state = context_state(ctx)?;
    if state.is_released() {
        return Err(Error::internal(
            "the context was freed (JS_FreeContext): no Rust future starts in it",
        ));
    }
    if !crate::engine::objects::realm::has_promises(ctx) {
        return Err(no_promises());
    }
    Executor::of(state.runtime_state()).spawn(ctx, name, origin, future)
}

/// An error unless `ctx`'s realm has promises (a host may make a
/// context without the `Promise` built-in: see `engine::objects::realm::has_promises`).
pub(crate) fn check_promises(ctx: Ctx<'_>) -> Result<()> {
    context_state(ctx)?;
    if crate::engine::objects::realm::has_promises(ctx) {
        Ok(())
    } else {
        Err(no_promises())
    }
}

#[cold]
fn no_promises() -> Error {
    Error::type_error("Promise is not available in this context: async Rust functions need it")
}
