//! Turning a Rust signature into a trampoline's argument handling: which
//! parameters are JS arguments (and how each converts), which are special
//! (`Ctx`, `AsyncCtx`, `This<T>`, `Rest<T>`), the arity, and the
//! TypeScript signature.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Signature, Type};

/// The receiver of a method.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Receiver {
    None,
    Ref,
    Mut,
}

/// What a trampoline needs from a signature.
pub struct Params {
    /// Statements converting the arguments (`let argN = ...;`), in order.
    pub conversions: Vec<TokenStream>,
    /// The expressions passed to the Rust function.
    pub call_args: Vec<TokenStream>,
    pub required: u32,
    pub max: u32,
    /// Expressions (`String`) of the TypeScript parameters.
    pub ts_params: Vec<TokenStream>,
    pub receiver: Receiver,
    /// `&[u8]` parameters: `(JsBytes variable, slice variable)`. Their
    /// slices are taken after every conversion (and the receiver's borrow),
    /// inside a `NoJsGuard`: see [`Params::bytes_prologue`].
    pub bytes: Vec<(syn::Ident, syn::Ident, usize)>,
}

impl Params {
    /// What runs between the conversions and the call: with `&[u8]`
    /// parameters, forbid JS and take the slices.
    pub fn bytes_prologue(&self) -> TokenStream {
        if self.bytes.is_empty() {
            return quote!();
        }
        let vars = self.bytes.iter().map(|b| &b.0);
        let slices = self.bytes.iter().map(|b| &b.1);
        let positions = self.bytes.iter().map(|b| b.2);
        quote! {
            let __no_js = ::quickjs::native::NoJsGuard::enter();
            // SAFETY: until the call returns no JS runs: the function's other
            // parameters are plain data (checked by #[js]) and the guard
            // makes the safe API refuse to run JS, so the buffers stay put.
            #[allow(unused_unsafe)]
            let (#(#slices,)*) = unsafe { (#(args.bytes_slice(&#vars, #positions)?,)*) };
        }
    }
}

/// Plain data: converting it or holding it cannot run or reach JS.
fn is_inert(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) if r.mutability.is_none() => {
            is_str(&r.elem) || matches!(&*r.elem, Type::Slice(s) if is_named(&s.elem, "u8"))
        }
        Type::Tuple(t) => t.elems.iter().all(is_inert),
        _ => {
            for wrapper in ["Option", "Vec", "Rest"] {
                if let Some(t) = inner(ty, wrapper) {
                    return is_inert(&t);
                }
            }
            last_ident(ty).is_some_and(|s| {
                s.arguments.is_empty()
                    && [
                        "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize",
                        "f32", "f64", "bool", "char", "String", "Bytes", "BigInt",
                    ]
                    .iter()
                    .any(|n| s.ident == n)
            })
        }
    }
}

/// `ty` with every named lifetime replaced by `'_` (inferred where the
/// trampoline uses it: the function's own lifetimes are not in scope there).
pub fn erase_lifetimes(ty: &Type) -> Type {
    struct Eraser;
    impl syn::visit_mut::VisitMut for Eraser {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident != "static" {
                *l = syn::Lifetime::new("'_", l.span());
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Eraser, &mut ty);
    ty
}

fn last_ident(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// `Name<T>` -> `T`.
fn inner(ty: &Type, name: &str) -> Option<Type> {
    let seg = last_ident(ty)?;
    if seg.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    a.args.iter().find_map(|g| match g {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

fn is_named(ty: &Type, name: &str) -> bool {
    last_ident(ty).is_some_and(|s| s.ident == name)
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("str"))
}

pub fn parse(sig: &Signature, in_class: bool) -> syn::Result<Params> {
    let is_async = sig.asyncness.is_some();
    if sig
        .generics
        .params
        .iter()
        .any(|g| !matches!(g, syn::GenericParam::Lifetime(_)))
    {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "#[js] functions cannot be generic: JS calls one concrete function",
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new_spanned(
            v,
            "#[js] functions cannot be variadic",
        ));
    }
    let mut p = Params {
        conversions: Vec::new(),
        call_args: Vec::new(),
        required: 0,
        max: 0,
        ts_params: Vec::new(),
        receiver: Receiver::None,
        bytes: Vec::new(),
    };
    let mut js_index = 0usize;
    let mut optional_tail = 0u32;
    let mut rest = false;
    let inputs: Vec<_> = sig.inputs.iter().collect();
    for (i, input) in inputs.iter().enumerate() {
        let arg = match input {
            FnArg::Receiver(r) => {
                if !in_class {
                    return Err(syn::Error::new_spanned(
                        r,
                        "#[js] on a free function: no `self` (methods go in a `#[js] impl` block)",
                    ));
                }
                if r.reference.is_none() {
                    return Err(syn::Error::new_spanned(
                        r,
                        "#[js] methods take `&self` or `&mut self` (JS owns the object)",
                    ));
                }
                p.receiver = if r.mutability.is_some() {
                    if is_async {
                        return Err(syn::Error::new_spanned(r, "async #[js] methods take `&self`: the future works on a clone of the value (`Self: Clone`)"));
                    }
                    Receiver::Mut
                } else {
                    Receiver::Ref
                };
                continue;
            }
            FnArg::Typed(arg) => arg,
        };
        let Pat::Ident(pat) = &*arg.pat else {
            return Err(syn::Error::new_spanned(
                &arg.pat,
                "#[js] parameters must be plain names",
            ));
        };
        let pname = pat.ident.to_string();
        let pname = pname.trim_start_matches('_').to_string();
        let var = format_ident!("arg{}", i);
        let ty = &erase_lifetimes(&arg.ty);
        let sp = ty.span();
        if rest {
            return Err(syn::Error::new_spanned(
                ty,
                "#[js]: a `Rest<T>` parameter must be the last one",
            ));
        }
        // Parameters that are not JS arguments.
        if is_named(ty, "Ctx") {
            if is_async {
                return Err(syn::Error::new_spanned(ty, "async #[js] functions cannot borrow the context across awaits: take `AsyncCtx`"));
            }
            p.conversions
                .push(quote_spanned!(sp=> let #var = args.ctx();));
            p.call_args.push(quote!(#var));
            continue;
        }
        if is_named(ty, "AsyncCtx") {
            p.conversions
                .push(quote_spanned!(sp=> let #var = args.ctx().async_ctx()?;));
            p.call_args.push(quote!(#var));
            continue;
        }
        if let Some(t) = inner(ty, "This") {
            p.conversions
                .push(quote_spanned!(sp=> let #var = ::quickjs::native::This::<#t>(args.this()?);));
            p.call_args.push(quote!(#var));
            continue;
        }
        // JS arguments.
        let idx = js_index;
        js_index += 1;
        let ts_ty: Type;
        if let Some(t) = inner(ty, "Rest") {
            rest = true;
            p.conversions.push(
                quote_spanned!(sp=> let #var = ::quickjs::native::Rest::<#t>(args.rest(#idx)?);),
            );
            p.call_args.push(quote!(#var));
            p.ts_params.push(quote_spanned!(sp=> {
                let t = <#t as ::quickjs::TypeScript>::ts();
                format!("...{}: {}[]", #pname, if t.contains(' ') { format!("({t})") } else { t })
            }));
            continue;
        }
        match ty {
            Type::Reference(r) => {
                if is_async {
                    return Err(syn::Error::new_spanned(ty, "async #[js] functions take owned arguments (the future outlives the call): use String, not &str"));
                }
                let elem = &*r.elem;
                if is_str(elem) && r.mutability.is_none() {
                    // Borrowed from the engine for the duration of the call.
                    p.conversions.push(
                        quote_spanned!(sp=> let #var: ::quickjs::JsStr<'_> = args.get(#idx)?;),
                    );
                    p.call_args.push(quote!(&*#var));
                    ts_ty = syn::parse_quote!(str);
                } else if matches!(elem, Type::Slice(sl) if is_named(&sl.elem, "u8"))
                    && r.mutability.is_none()
                {
                    // Bytes borrowed from a JS buffer: recorded now, read
                    // when the call starts (see bytes_prologue).
                    if let Some(other) = inputs.iter().find_map(|i| match i {
                        FnArg::Typed(a) if !is_inert(&a.ty) => Some(a.ty.clone()),
                        _ => None,
                    }) {
                        return Err(syn::Error::new_spanned(other, "#[js]: a function with a `&[u8]` parameter takes only plain data besides (numbers, strings, `Bytes`, `Vec`/`Option` of those): anything that can run JS could free the borrowed bytes; take `quickjs::Bytes` (a copy) instead"));
                    }
                    let slice = format_ident!("arg{}_bytes", i);
                    p.conversions.push(
                        quote_spanned!(sp=> let #var: ::quickjs::JsBytes<'_> = args.get(#idx)?;),
                    );
                    p.call_args.push(quote!(#slice));
                    p.bytes.push((var.clone(), slice, idx));
                    ts_ty = syn::parse_quote!(::quickjs::JsBytes<'static>);
                } else if matches!(elem, Type::Slice(_)) {
                    return Err(syn::Error::new_spanned(ty, "#[js]: slice parameters other than `&[u8]` are not supported; take `Vec<T>`"));
                } else if matches!(elem, Type::Path(_)) {
                    // A `#[js]` class instance, borrowed (flag-checked).
                    if r.mutability.is_some() {
                        p.conversions.push(quote_spanned!(sp=> let mut #var: ::quickjs::ClassMut<'_, #elem> = args.get(#idx)?;));
                        p.call_args.push(quote!(&mut *#var));
                    } else {
                        p.conversions.push(quote_spanned!(sp=> let #var: ::quickjs::ClassRef<'_, #elem> = args.get(#idx)?;));
                        p.call_args.push(quote!(&*#var));
                    }
                    ts_ty = elem.clone();
                } else {
                    return Err(syn::Error::new_spanned(ty, "#[js]: this reference type is not supported as a parameter; `&str`, `&T`/`&mut T` of a #[js] class are, or take an owned type"));
                }
            }
            Type::ImplTrait(_)
            | Type::TraitObject(_)
            | Type::BareFn(_)
            | Type::Ptr(_)
            | Type::Never(_)
            | Type::Infer(_) => {
                return Err(syn::Error::new_spanned(
                    ty,
                    "#[js]: this parameter type cannot come from JS; use a type with `FromJs`",
                ));
            }
            _ => {
                p.conversions
                    .push(quote_spanned!(sp=> let #var: #ty = args.get(#idx)?;));
                p.call_args.push(quote!(#var));
                ts_ty = ty.clone();
            }
        }
        if let Some(t) = inner(ty, "Option") {
            optional_tail += 1;
            p.ts_params.push(quote_spanned!(sp=> format!("{}?: {}", #pname, <#t as ::quickjs::TypeScript>::ts())));
        } else {
            optional_tail = 0;
            p.ts_params.push(quote_spanned!(sp=> format!("{}: {}", #pname, <#ts_ty as ::quickjs::TypeScript>::ts())));
        }
    }
    let counted = js_index as u32 - rest as u32;
    p.max = if rest { u32::MAX } else { counted };
    p.required = counted - optional_tail;
    Ok(p)
}

/// The TypeScript type of a function's result (`Promise<...>` if async).
pub fn ts_return(sig: &Signature) -> TokenStream {
    let t = match &sig.output {
        ReturnType::Default => quote!(<() as ::quickjs::TypeScript>::ts()),
        ReturnType::Type(_, ty) => {
            let ty = erase_lifetimes(ty);
            quote_spanned!(ty.span()=> <#ty as ::quickjs::TypeScript>::ts())
        }
    };
    if sig.asyncness.is_some() {
        quote!(format!("Promise<{}>", #t))
    } else {
        t
    }
}

/// A `|| String` of `(params)` and, unless `ret` is None, `: ret`.
pub fn ts_signature(params: &Params, ret: Option<TokenStream>) -> TokenStream {
    let ps = &params.ts_params;
    let ret = match ret {
        Some(r) => quote!(format!(": {}", #r)),
        None => quote!(String::new()),
    };
    quote!(|| {
        let params: ::std::vec::Vec<String> = ::std::vec![#(#ps),*];
        format!("({}){}", params.join(", "), #ret)
    })
}

/// A C string literal of `name`.
pub fn c_name(name: &syn::LitStr) -> syn::Result<syn::LitCStr> {
    Ok(syn::LitCStr::new(
        &std::ffi::CString::new(name.value())
            .map_err(|_| syn::Error::new_spanned(name, "a JS name cannot contain NUL"))?,
        name.span(),
    ))
}

/// The `extern "C"` trampoline `name` the engine calls, running `body`
/// (a call through `quickjs::native::call`/`call_async`/`class::construct`).
pub fn trampoline(name: &syn::Ident, body: &TokenStream) -> TokenStream {
    quote! {
        unsafe extern "C" fn #name(
            ctx: *mut ::quickjs::sys::JSContext,
            this: ::quickjs::sys::JSValue,
            argc: ::std::os::raw::c_int,
            argv: *mut ::quickjs::sys::JSValue,
        ) -> ::quickjs::sys::JSValue {
            // SAFETY: the engine calls this with a live context, `this`
            // and argc live arguments, as the call helpers require.
            unsafe { #body }
        }
    }
}
