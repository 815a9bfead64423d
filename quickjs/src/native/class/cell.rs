//! An instance's Rust value and its borrow flag: [`ClassRef`] (`&self`, a
//! `&T` parameter) and [`ClassMut`] (`&mut self`, a `&mut T` parameter).
//!
//! Invariants: the slot is a `Box` made by [`new_slot`], owned by exactly
//! one object of the class (its opaque) and freed by the class finalizer,
//! and its bytes count as the runtime's memory exactly while it lives;
//! its header comes first, so code that knows only a parent class can reach
//! the flag and the value. The flag counts shared borrows up and marks an
//! exclusive one with -1; a borrow that would break that rule is a
//! `TypeError`, never a panic or UB. The trampolines convert every argument
//! before they borrow the receiver, because conversion can run user JS.

use super::registry::NativeRuntime;
use super::{ClassDef, JsClass};
use crate::engine::handle::boundary;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::{ContextState, RuntimeState};
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use crate::native::function::Args;
use quickjs_sys as sys;
use std::cell::{Cell, UnsafeCell};

/// An instance's Rust value and its borrow state (readers count up, a
/// writer sets -1). The header comes first, so code that knows only a
/// parent class can reach the flag and the value.
#[repr(C)]
pub(crate) struct Slot<T> {
    header: SlotHeader,
    value: UnsafeCell<T>,
}

#[repr(C)]
struct SlotHeader {
    borrows: Cell<isize>,
    /// Points at `value` of the same Slot (the Box never moves).
    value: *mut (),
}

/// A new slot holding `value`, for an object's opaque pointer.
pub(crate) fn new_slot<T>(value: T) -> *mut Slot<T> {
    let mut slot = Box::new(Slot {
        header: SlotHeader {
            borrows: Cell::new(0),
            value: std::ptr::null_mut(),
        },
        value: UnsafeCell::new(value),
    });
    slot.header.value = slot.value.get().cast();
    Box::into_raw(slot)
}

/// The bytes a slot of `T` holds: counted as its runtime's memory while
/// its object lives (`limits::count_held`, by `instance`; given back by
/// `finalize`). What `T` owns elsewhere (a `Vec`'s buffer) is not.
pub(crate) fn slot_size<T>() -> usize {
    std::mem::size_of::<Slot<T>>()
}

/// The finalizer of class `T`: drops the instance's Rust value.
///
/// # Safety
/// Called by the engine for objects of `T`'s class.
pub unsafe extern "C" fn finalize<T: JsClass>(rt: *mut sys::JSRuntime, val: sys::JSValue) {
    // SAFETY: val is an object of T's class (the engine calls a class's
    // finalizer for its objects only); its opaque is the Slot<T> Box made by
    // `instance`, or null if construction failed half-way.
    let slot = unsafe { opaque_of_finalized(val, T::class()) }.cast::<Slot<T>>();
    if !slot.is_null() {
        // Held values dropped here are freed at once, as a finalizer must;
        // no JS runs meanwhile; a panicking Drop does not unwind into C.
        boundary::finalizing(rt, (), || {
            // SAFETY: the Box made by `new_slot`; the engine finalizes an
            // object once, and nothing uses the slot afterwards.
            drop(unsafe { Box::from_raw(slot) })
        });
        // SAFETY: rt is live while it finalizes its objects.
        unsafe { crate::engine::convert::limits::uncount_held(rt, slot_size::<T>()) };
    }
}

/// The opaque pointer of an object being finalized or marked (no class
/// id lookup on quickjs-ng: the runtime's state may already be gone).
///
/// # Safety
/// `val` is a live object of `def`'s class.
unsafe fn opaque_of_finalized(val: sys::JSValue, def: &ClassDef) -> *mut std::ffi::c_void {
    #[cfg(not(quickjs_bellard))]
    {
        let _ = def;
        let mut id = 0;
        // SAFETY: the caller's contract.
        unsafe { sys::JS_GetAnyOpaque(val, &mut id) }
    }
    // SAFETY: the caller's contract.
    #[cfg(quickjs_bellard)]
    unsafe {
        sys::JS_GetOpaque(val, def.ids.global())
    }
}

/// The Rust value of an object of `T`'s class during its GC mark, if no
/// `&mut` borrow of it is active (else `None`: it is not read).
///
/// # Safety
/// `val` is an object of `T`'s class of `rt`, during its GC.
pub(crate) unsafe fn readable<'a, T: JsClass>(
    rt: *mut sys::JSRuntime,
    val: sys::JSValue,
) -> Option<&'a T> {
    let _ = rt;
    // SAFETY: the caller's contract.
    let slot = unsafe { opaque_of_finalized(val, T::class()) }.cast::<Slot<T>>();
    // SAFETY: a non-null opaque is the live Slot<T> of the instance; its
    // value is read only while no `&mut` borrow is active.
    unsafe {
        if slot.is_null() || (*slot).header.borrows.get() < 0 {
            return None;
        }
        Some(&*(*slot).value.get())
    }
}

/// The Rust value of a `T` instance (or of the `T` part of an instance of a
/// class extending `T`), shared: `&self`, a `&T` parameter.
pub struct ClassRef<'js, T: JsClass> {
    /// Keeps the object (and so the slot) alive; `None` for a method's
    /// receiver, which the engine keeps alive for the call.
    _obj: Option<Value<'js>>,
    header: *const SlotHeader,
    value: *const T,
}

/// The same, exclusive: `&mut self`, a `&mut T` parameter.
pub struct ClassMut<'js, T: JsClass> {
    /// As in [`ClassRef`].
    _obj: Option<Value<'js>>,
    header: *const SlotHeader,
    value: *mut T,
}

/// The slot header of `value` and a pointer to its `T` part, if `value` is
/// an instance of `T` or of a class extending it.
#[inline(always)]
fn find<'js, T: JsClass>(value: &Value<'js>) -> Result<(*const SlotHeader, *mut T)> {
    let def = T::class();
    let Some(state) = ContextState::runtime_if_any(value.ctx()) else {
        return Err(not_an_instance(def, value));
    };
    // Not registered in this runtime: no instance of it (nor of a class
    // extending it: registering one registers its parents) exists.
    let Some(id) = state.class_id(def.index()) else {
        return Err(not_an_instance(def, value));
    };
    // SAFETY: value live; a non-null opaque of class id is a Slot<T>.
    let slot = unsafe { sys::JS_GetOpaque(value.as_raw(), id) }.cast::<Slot<T>>();
    if !slot.is_null() {
        // SAFETY: a live Slot<T>.
        return Ok((slot.cast(), unsafe { (*slot).value.get() }));
    }
    find_derived(def, state, value).map(|(header, ptr)| (header, ptr.cast()))
}

/// `value`'s slot header and its `def` part when it is an instance of a
/// class extending `def` (out of line: the direct case is the hot one).
#[inline(never)]
fn find_derived(
    def: &'static ClassDef,
    state: &RuntimeState,
    value: &Value<'_>,
) -> Result<(*const SlotHeader, *mut ())> {
    // An instance of a derived class: walk from its class up to T.
    for (did, d) in NativeRuntime::of(state).classes_extending(def) {
        // SAFETY: value live; a non-null opaque of class `did` is a Slot of
        // that class, whose header comes first.
        let header = unsafe { sys::JS_GetOpaque(value.as_raw(), did) }.cast::<SlotHeader>();
        if header.is_null() {
            continue;
        }
        // SAFETY: the header is live; each upcast maps a pointer to a class's
        // value to its parent part, down the chain that `is_a` checked.
        let mut ptr = unsafe { (*header).value };
        let mut at = d;
        while !std::ptr::eq(at, def) {
            let (Some(up), Some(parent)) = (at.upcast, at.parent) else {
                return Err(Error::internal(format!("{}: broken class chain", d.name)));
            };
            // SAFETY: ptr points at a live value of class `at` (see above).
            ptr = unsafe { up(ptr) };
            at = parent();
        }
        return Ok((header, ptr.cast()));
    }
    Err(not_an_instance(def, value))
}

#[cold]
#[inline(never)]
fn not_an_instance(def: &ClassDef, value: &Value<'_>) -> Error {
    Error::type_error(format!("expected {}, got {}", def.name, value.type_name()))
}

#[cold]
#[inline(never)]
fn busy(def: &ClassDef) -> Error {
    Error::type_error(format!(
        "this {} is in use by a method that changes it (a re-entrant call)",
        def.name
    ))
}

impl<'js, T: JsClass> ClassRef<'js, T> {
    /// A shared borrow of `value`'s `T`; `keep` holds the object alive
    /// (`None`: the caller guarantees it outlives the borrow).
    #[inline(always)]
    fn borrow(value: &Value<'js>, keep: Option<Value<'js>>) -> Result<Self> {
        let (header, ptr) = find::<T>(value)?;
        // SAFETY: the slot lives as long as the object (kept by `keep` or
        // by the caller).
        let borrows = unsafe { &(*header).borrows };
        if borrows.get() < 0 {
            return Err(busy(T::class()));
        }
        borrows.set(borrows.get() + 1);
        Ok(ClassRef {
            _obj: keep,
            header,
            value: ptr,
        })
    }

    /// The receiver of a method call, without a reference of its own.
    ///
    /// # Safety
    /// `value` stays alive as long as the result: the call's `this`, which
    /// the engine holds for the call (and a `ClassRef` branded with the
    /// call's `'js` cannot outlive it).
    pub(crate) unsafe fn receiver(value: &Value<'js>) -> Result<Self> {
        Self::borrow(value, None)
    }

    /// The receiver of a method call of class `T`, shared (`&self`): what
    /// `#[js]` methods call. An error names the function.
    #[doc(hidden)]
    #[inline(always)]
    pub fn of_receiver(args: &Args<'_, 'js>) -> Result<Self> {
        // SAFETY: `this` outlives the result: the engine holds it for the
        // call, and the result is branded with the call's `'js`, which
        // closes with it.
        args.with_this(|this| unsafe { Self::receiver(this) })
    }
}

impl<'js, T: JsClass> FromJs<'js> for ClassRef<'js, T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Self::borrow(value, Some(value.clone()))
    }
}

impl<'js, T: JsClass> ClassMut<'js, T> {
    /// As [`ClassRef::borrow`], exclusive.
    #[inline(always)]
    fn borrow(value: &Value<'js>, keep: Option<Value<'js>>) -> Result<Self> {
        let (header, ptr) = find::<T>(value)?;
        // SAFETY: as in ClassRef::borrow.
        let borrows = unsafe { &(*header).borrows };
        if borrows.get() != 0 {
            return Err(busy(T::class()));
        }
        borrows.set(-1);
        Ok(ClassMut {
            _obj: keep,
            header,
            value: ptr,
        })
    }

    /// As [`ClassRef::receiver`], exclusive.
    ///
    /// # Safety
    /// As [`ClassRef::receiver`].
    pub(crate) unsafe fn receiver(value: &Value<'js>) -> Result<Self> {
        Self::borrow(value, None)
    }

    /// As [`ClassRef::of_receiver`], exclusive (`&mut self`).
    #[doc(hidden)]
    #[inline(always)]
    pub fn of_receiver(args: &Args<'_, 'js>) -> Result<Self> {
        // SAFETY: as in `ClassRef::of_receiver`.
        args.with_this(|this| unsafe { Self::receiver(this) })
    }
}

impl<'js, T: JsClass> FromJs<'js> for ClassMut<'js, T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Self::borrow(value, Some(value.clone()))
    }
}

impl<T: JsClass> std::ops::Deref for ClassRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a shared borrow of the whole instance is registered, so no
        // writer exists; the object (kept by _obj or by the call) owns the
        // value.
        unsafe { &*self.value }
    }
}

impl<T: JsClass> std::ops::Deref for ClassMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the exclusive borrow of the whole instance is registered.
        unsafe { &*self.value }
    }
}

impl<T: JsClass> std::ops::DerefMut for ClassMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the exclusive borrow is registered, and &mut self is unique.
        unsafe { &mut *self.value }
    }
}

impl<T: JsClass> Drop for ClassRef<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the slot is alive (_obj is dropped after this, or the
        // call that holds the receiver has not returned).
        let b = unsafe { &(*self.header).borrows };
        b.set(b.get() - 1);
    }
}

impl<T: JsClass> Drop for ClassMut<'_, T> {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { (*self.header).borrows.set(0) };
    }
}

impl<T: JsClass> crate::engine::objects::typescript::TypeScript for ClassRef<'_, T> {
    fn ts() -> String {
        T::class().name.into()
    }
}
impl<T: JsClass> crate::engine::objects::typescript::TypeScript for ClassMut<'_, T> {
    fn ts() -> String {
        T::class().name.into()
    }
}
