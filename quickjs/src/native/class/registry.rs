//! The native layer's part of a runtime's state ([`NativeRuntime`]): the
//! `#[js]` class behind each class id registered in the runtime, so that an
//! instance of a derived class met where its parent class is expected is
//! found (`cell.rs`).
//!
//! Invariant: used on the runtime's owner thread only (as the state is).

use super::ClassDef;
use crate::engine::handle::state::{RuntimePart, RuntimeSlot, RuntimeState};
use quickjs_sys as sys;
use std::cell::RefCell;

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
