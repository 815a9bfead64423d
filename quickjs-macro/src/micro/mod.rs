//! `#[js]` for MicroQuickJS (re-exported as `mquickjs::js`): the same
//! items as on quickjs-ng, generated for the engine's calling convention
//! (`this` and arguments by pointer into its stack, the constructor flag
//! in `argc`) and exported under the C symbols the crate's ROM standard
//! library names (`items.rs`, shared with the build's `Stdlib`).
//!
//! Each function gets one `extern "C"` function in an anonymous constant
//! (nothing is added to the caller's namespace) that runs the body
//! through `mquickjs::__private::call`: the arity check, the strict
//! conversions (no JS runs, nothing allocates), `&str` arguments under a
//! no-JS guard, the result converted after the guard is gone. A constant
//! checks the item against what the build declared.

#[allow(dead_code)] // the build uses what the macro does not
pub mod items;

use items::{Func, MemberKind, Opts, ParamKind, Receiver};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, Type};

fn package() -> String {
    std::env::var("CARGO_PKG_NAME").unwrap_or_default()
}

/// `#[js]` on an item, for MicroQuickJS.
pub fn expand(attr: TokenStream, item: Item) -> syn::Result<TokenStream> {
    let mut opts = Opts::default();
    let parser = syn::meta::parser(|meta| {
        if !opts.apply(&meta)? {
            return Err(meta.error("#[js]: unknown option for MicroQuickJS (expected `name = \"...\"`, `strict` or `extends = Class`)"));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;
    if opts.base {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "#[js(base)] goes on the field of a struct that holds its base class's value",
        ));
    }
    let k = quote!(::mquickjs::__private);
    match &item {
        Item::Fn(f) => {
            let func = items::function(f, &opts)?;
            let sym = items::fn_symbol(&package(), &func);
            let ident = &func.rust;
            let body = call_body(&func, &quote!(#ident), None)?;
            let tramp = trampoline(&sym, &func, &body);
            let (rust, len) = (ident.to_string(), func.length());
            Ok(quote! {
                #item
                const _: () = {
                    #k::declared_fn(crate::__mquickjs_stdlib::FUNCTIONS, #rust, #len);
                    #tramp
                };
            })
        }
        Item::Struct(s) => {
            let c = items::class(s, &opts);
            let (clean, base, check) = base_field(s, &opts)?;
            let ident = &s.ident;
            let (rust, js) = (ident.to_string(), c.js.clone());
            let upcast = match &base {
                Some((member, ty)) => quote! {
                    // SAFETY: (caller) `this` is live; the base field is
                    // the class `extends` names (checked below).
                    unsafe { <#ty as #k::Class>::upcast(::core::ptr::addr_of_mut!((*this).#member), ty) }
                },
                None => quote!(::core::ptr::null_mut()),
            };
            Ok(quote! {
                #clean
                #check
                // SAFETY: the index is the class's in the build's list (a
                // build error otherwise), hence its id; `upcast` answers
                // for `Self` and delegates to the base field's class.
                unsafe impl #k::Class for #ident {
                    const NAME: &'static str = #js;
                    const CLASSES: &'static [#k::ClassInfo] = &crate::__mquickjs_stdlib::CLASSES;
                    const INDEX: usize = #k::class_index(&crate::__mquickjs_stdlib::CLASSES, #rust);
                    fn stdlib() -> &'static ::mquickjs::Stdlib {
                        &crate::STDLIB
                    }
                    unsafe fn upcast(this: *mut Self, ty: ::core::any::TypeId) -> *mut () {
                        if ty == ::core::any::TypeId::of::<Self>() {
                            return this.cast();
                        }
                        #upcast
                    }
                }
                // SAFETY: a new instance, just made.
                unsafe impl ::mquickjs::IntoJs for #ident {
                    fn into_js(self, ctx: ::mquickjs::Ctx<'_>, token: #k::Token) -> ::mquickjs::Result<#k::sys::JSValue> {
                        #k::new_instance(ctx, self, token)
                    }
                }
            })
        }
        Item::Impl(i) => {
            let (class, members) = items::members(i)?;
            let mut out = TokenStream::new();
            for m in &members {
                let sym = items::member_symbol(&package(), &class, m);
                let name = &m.func.rust;
                let target = quote!(#name);
                let body = call_body(&m.func, &target, Some((&i.self_ty, &m.kind)))?;
                out.extend(trampoline(&sym, &m.func, &body));
            }
            let mut clean = i.clone();
            for it in &mut clean.items {
                if let syn::ImplItem::Fn(f) = it {
                    f.attrs.retain(|a| !items::is_js(a));
                }
            }
            Ok(quote! {
                #clean
                const _: () = { #out };
            })
        }
        other => Err(syn::Error::new_spanned(
            other,
            "#[js] goes on a function, a struct or the struct's impl block",
        )),
    }
}

/// The field holding a subclass's base value: its name and type.
type BaseField = Option<(syn::Member, Type)>;

/// The struct without `#[js(base)]` on its fields, the base field that
/// `extends = Base` requires, and the check of its type.
fn base_field(
    s: &syn::ItemStruct,
    opts: &Opts,
) -> syn::Result<(syn::ItemStruct, BaseField, TokenStream)> {
    let mut clean = s.clone();
    let mut base = None;
    for (i, field) in clean.fields.iter_mut().enumerate() {
        let Some(o) = Opts::of(&field.attrs)? else {
            continue;
        };
        field.attrs.retain(|a| !items::is_js(a));
        if !o.base {
            return Err(syn::Error::new_spanned(
                &field.ty,
                "#[js] on a field: only `#[js(base)]` (the value of the class `extends` names)",
            ));
        }
        let member = match &field.ident {
            Some(id) => syn::Member::Named(id.clone()),
            None => syn::Member::Unnamed(i.into()),
        };
        base = Some((member, field.ty.clone()));
    }
    let check = crate::class::base_pairing(s, opts.extends.as_ref(), base.as_ref().map(|b| &b.1))?;
    Ok((clean, base, check))
}

/// The `extern "C"` function under `sym`, running `body` in a call.
fn trampoline(sym: &str, f: &Func, body: &TokenStream) -> TokenStream {
    let k = quote!(::mquickjs::__private);
    let info = format_ident!("INFO_{}", f.rust.to_string().trim_start_matches("r#"));
    let (name, required, max, strict) = (&f.js, f.length(), f.max_args(), f.strict);
    let params: Vec<_> = f
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Arg { .. }))
        .map(|p| p.name.clone())
        .collect();
    let fname = format_ident!("tramp_{}", f.rust.to_string().trim_start_matches("r#"));
    quote! {
        #[allow(non_upper_case_globals)]
        static #info: #k::FnInfo = #k::FnInfo {
            name: #name, required: #required, max: #max, strict: #strict, params: &[#(#params),*],
        };
        // Without `alloc` an error keeps its texts inline: large by design.
        #[allow(clippy::result_large_err)]
        #[unsafe(export_name = #sym)]
        unsafe extern "C" fn #fname(
            ctx: *mut #k::sys::JSContext,
            this: *mut #k::sys::JSValue,
            argc: ::core::ffi::c_int,
            argv: *mut #k::sys::JSValue,
        ) -> #k::sys::JSValue {
            // SAFETY: the engine calls a native function with its context,
            // `this` and argc arguments on its stack.
            unsafe { #k::call(ctx, this, argc, argv, &#info, |call| { #body }) }
        }
    }
}

/// `&[u8]`.
fn is_bytes_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_none() && matches!(&*r.elem, Type::Slice(s) if matches!(&*s.elem, Type::Path(p) if p.path.is_ident("u8"))))
}

fn is_str_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_none() && matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str")))
}

/// The body of a call: conversions, borrows, the call, the result.
fn call_body(
    f: &Func,
    target: &TokenStream,
    class: Option<(&Type, &MemberKind)>,
) -> syn::Result<TokenStream> {
    let k = quote!(::mquickjs::__private);
    let mut convs = Vec::new();
    let mut args = Vec::new();
    let mut borrowed = Vec::new();
    let mut js_index = 0usize;
    let has_ctx = f.params.iter().any(|p| p.kind == ParamKind::Ctx);
    for (n, p) in f.params.iter().enumerate() {
        let var = format_ident!("arg{}", n);
        match p.kind {
            ParamKind::Ctx => args.push(quote!(call.ctx())),
            ParamKind::This => {
                return Err(syn::Error::new_spanned(&p.ty, "#[js] on MicroQuickJS: `This<T>` is not supported; write a method of the class"));
            }
            ParamKind::Arg { .. } => {
                let i = js_index;
                js_index += 1;
                match &p.ty {
                    ty if is_str_ref(ty) || is_bytes_ref(ty) => {
                        if matches!(ty, Type::Reference(r) if r.lifetime.as_ref().is_some_and(|l| l.ident == "static"))
                        {
                            return Err(syn::Error::new_spanned(ty, "#[js] on MicroQuickJS: a borrowed parameter lives in the engine's heap for the call only: take `String` or `Bytes` to keep it"));
                        }
                        if has_ctx {
                            return Err(syn::Error::new_spanned(ty, "#[js] on MicroQuickJS: a borrowed parameter (`&str`, `&[u8]`) points into the engine's heap, which a `Ctx` could make move: take `String` or `Bytes`"));
                        }
                        if is_str_ref(ty) {
                            let buf = format_ident!("buf{}", n);
                            borrowed.push(quote! {
                                let mut #buf = #k::sys::JSCStringBuf::default();
                                // SAFETY: used under the no-JS guard below only.
                                let #var: &str = unsafe { call.str_arg(#i, &mut #buf)? };
                            });
                        } else {
                            borrowed.push(quote! {
                                // SAFETY: used under the no-JS guard below only.
                                let #var: &[u8] = unsafe { call.bytes_arg(#i)? };
                            });
                        }
                        args.push(quote!(#var));
                    }
                    Type::Reference(r) => {
                        let elem = &r.elem;
                        let m = r.mutability.is_some();
                        if matches!(&**elem, Type::Slice(_)) {
                            return Err(syn::Error::new_spanned(&p.ty, "#[js] on MicroQuickJS: of slices only `&[u8]` (bytes, borrowed) is a parameter; take `Vec<T>` for an array"));
                        }
                        let mv = if m { quote!(mut) } else { quote!() };
                        convs.push(quote!(let #mv #var = call.class_arg::<#elem>(#i, #m)?;));
                        args.push(if m {
                            quote!(&mut *#var)
                        } else {
                            quote!(&*#var)
                        });
                    }
                    ty => {
                        convs.push(quote!(let #var: #ty = call.arg(#i)?;));
                        args.push(quote!(#var));
                    }
                }
            }
        }
    }
    let class_ty = class.map(|c| c.0.clone());
    let recv = match (&class_ty, f.receiver) {
        (Some(ty), Receiver::Ref) => quote!(let __recv = call.this_ref::<#ty>()?;),
        (Some(ty), Receiver::Mut) => quote!(let mut __recv = call.this_mut::<#ty>()?;),
        _ => quote!(),
    };
    let callee = match (f.receiver, &class_ty) {
        (Receiver::None, Some(ty)) => quote!(<#ty>::#target),
        (Receiver::None, None) => quote!(#target),
        _ => quote!(__recv.#target),
    };
    let guard = if borrowed.is_empty() {
        quote!()
    } else {
        quote!(let __no_js = call.no_js();)
    };
    // The result is converted after the guard is gone (converting
    // allocates, which moves the engine's heap): it must not borrow from
    // a borrowed parameter, so with one it must be `'static`.
    let own = if borrowed.is_empty() {
        quote!()
    } else {
        quote!(#k::owned_result)
    };
    let end_guard = if borrowed.is_empty() {
        quote!()
    } else {
        quote!(drop(__no_js);)
    };
    let result = match class.map(|c| c.1) {
        Some(MemberKind::Constructor) => quote! {
            // SAFETY: the engine's arguments of this constructor.
            unsafe { #k::construct::<#class_ty>(call, argc, #k::IntoResult::into_result(__r)) }
        },
        _ => quote! {
            // SAFETY: the no-JS guard is gone and the result owns its data.
            unsafe { #k::ret(call.ctx(), __r) }
        },
    };
    Ok(quote! {
        #(#convs)*
        #recv
        #(#borrowed)*
        #guard
        let __r = #own(#callee(#(#args),*));
        #end_guard
        #result
    })
}
