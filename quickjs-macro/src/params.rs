//! A Rust signature → what a trampoline does with the call: one binding per
//! parameter, the arity, the TypeScript signature, and the body that calls
//! the function (the one body builder for functions and methods).
//!
//! Parameters are classified by the type system, not by how their type is
//! spelled: each type's `FromParam` impl says whether it takes a JS
//! argument, how it counts toward the arity and its TypeScript (so `Ctx`
//! imported under another name, or an alias of `Option<T>`, work). The
//! macro looks at syntax only where the type's shape matters: references
//! (`&str`, `&[u8]`, `&T`/`&mut T` of a class borrow from a holder that
//! lives for the call) and `self`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Pat, ReturnType, Signature, Type};

/// The receiver of a method.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Receiver {
    None,
    Ref,
    Mut,
}

/// One parameter.
struct Param {
    /// The variable holding the converted value (or its holder).
    var: syn::Ident,
    /// The type that converts (`FromParam`), lifetimes erased.
    ty: Type,
    /// The expression passed to the Rust function.
    call_arg: TokenStream,
    /// The parameter's name, for TypeScript.
    name: String,
    /// A `&[u8]` parameter: the slice variable (taken after every other
    /// conversion, under a `NoJsGuard`).
    bytes: Option<syn::Ident>,
    /// A `&mut T` parameter: its holder is bound mutably.
    mutable: bool,
}

/// What a trampoline needs from a signature.
pub struct Params {
    params: Vec<Param>,
    pub receiver: Receiver,
    is_async: bool,
}

/// `ty` with every named lifetime replaced by `'_` (inferred where the
/// trampoline uses it: the function's own lifetimes are not in scope there).
pub fn erase_lifetimes(ty: &Type) -> Type {
    replace_lifetimes(ty, "'_")
}

/// `ty` with every lifetime but `'static` replaced by `to`.
fn replace_lifetimes(ty: &Type, to: &str) -> Type {
    struct Replace<'a>(&'a str);
    impl syn::visit_mut::VisitMut for Replace<'_> {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident != "static" {
                *l = syn::Lifetime::new(self.0, l.span());
            }
        }
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.is_none() && self.0 == "'static" {
                r.lifetime = Some(syn::Lifetime::new("'static", r.and_token.span));
            }
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Replace(to), &mut ty);
    ty
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("str"))
}

fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

/// `ty` with `Self` replaced by `self_ty` (the generated checks and
/// constants are items of their own, where `Self` does not reach).
fn replace_self(ty: &Type, self_ty: &Type) -> Type {
    struct Replace<'a>(&'a Type);
    impl syn::visit_mut::VisitMut for Replace<'_> {
        fn visit_type_mut(&mut self, t: &mut Type) {
            if matches!(t, Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self")) {
                *t = self.0.clone();
            } else {
                syn::visit_mut::visit_type_mut(self, t);
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Replace(self_ty), &mut ty);
    ty
}

/// The parameters of `sig`; `self_ty` for the methods of a class.
pub fn parse(sig: &Signature, self_ty: Option<&Type>, krate: &TokenStream) -> syn::Result<Params> {
    let in_class = self_ty.is_some();
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
    let p = quote!(#krate::__private);
    let mut params = Vec::new();
    let mut receiver = Receiver::None;
    for (i, input) in sig.inputs.iter().enumerate() {
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
                receiver = if r.mutability.is_some() {
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
        let name = pat.ident.to_string().trim_start_matches('_').to_string();
        let var = format_ident!("arg{}", i);
        let ty = erase_lifetimes(&arg.ty);
        let ty = match self_ty {
            Some(s) => replace_self(&ty, s),
            None => ty,
        };
        let (ty, call_arg, bytes) = match &ty {
            Type::Reference(r) => {
                if is_async {
                    return Err(syn::Error::new_spanned(&ty, "async #[js] functions take owned arguments (the future outlives the call): use String, not &str"));
                }
                let elem = &*r.elem;
                match (elem, r.mutability.is_some()) {
                    // Borrowed from the engine for the duration of the call.
                    (e, false) if is_str(e) => {
                        (syn::parse_quote!(#p::JsStr<'_>), quote!(&*#var), None)
                    }
                    // Bytes borrowed from a JS buffer: recorded now, read
                    // when the call starts (see `call_body`).
                    (Type::Slice(s), false) if is_u8(&s.elem) => {
                        let slice = format_ident!("arg{}_bytes", i);
                        (
                            syn::parse_quote!(#p::JsBytes<'_>),
                            quote!(#slice),
                            Some(slice),
                        )
                    }
                    (Type::Slice(_), _) => {
                        return Err(syn::Error::new_spanned(&ty, "#[js]: slice parameters other than `&[u8]` are not supported; take `Vec<T>`"));
                    }
                    // A `#[js]` class instance, borrowed (flag-checked).
                    (Type::Path(_), true) => (
                        syn::parse_quote!(#p::ClassMut<'_, #elem>),
                        quote!(&mut *#var),
                        None,
                    ),
                    (Type::Path(_), false) => (
                        syn::parse_quote!(#p::ClassRef<'_, #elem>),
                        quote!(&*#var),
                        None,
                    ),
                    _ => {
                        return Err(syn::Error::new_spanned(&ty, "#[js]: this reference type is not supported as a parameter; `&str`, `&[u8]`, `&T`/`&mut T` of a #[js] class are, or take an owned type"));
                    }
                }
            }
            Type::ImplTrait(_)
            | Type::TraitObject(_)
            | Type::BareFn(_)
            | Type::Ptr(_)
            | Type::Never(_)
            | Type::Infer(_) => {
                return Err(syn::Error::new_spanned(
                    &ty,
                    "#[js]: this parameter type cannot come from JS; use a type with `FromJs`",
                ));
            }
            _ => (ty.clone(), quote!(#var), None),
        };
        let mutable = matches!(&arg.ty as &Type, Type::Reference(r) if r.mutability.is_some());
        params.push(Param {
            var,
            ty,
            call_arg,
            name,
            bytes,
            mutable,
        });
    }
    Ok(Params {
        params,
        receiver,
        is_async,
    })
}

impl Params {
    /// `(required, max)` argument counts, as a constant expression asked of
    /// the types.
    pub fn arity(&self, krate: &TokenStream) -> TokenStream {
        let kinds = self.kinds(krate);
        quote!(#krate::__private::arity(&[#(#kinds),*]))
    }

    /// Each parameter's `FromParam::KIND`, as constant expressions.
    fn kinds<'a>(&'a self, krate: &'a TokenStream) -> impl Iterator<Item = TokenStream> + 'a {
        self.params.iter().map(move |p| {
            let ty = replace_lifetimes(&p.ty, "'static");
            quote_spanned!(p.ty.span()=> <#ty as #krate::__private::FromParam<'static>>::KIND)
        })
    }

    /// Compile-time checks the types answer: a `Rest<T>` comes last; an
    /// async function's parameters can outlive the call; beside a `&[u8]`,
    /// only plain data.
    pub fn checks(&self, krate: &TokenStream) -> TokenStream {
        let p = quote!(#krate::__private);
        let kinds = self.kinds(krate);
        let mut out = quote! {
            const _: () = ::std::assert!(
                #p::rest_is_last(&[#(#kinds),*]),
                "#[js]: a `Rest<T>` parameter must be the last one"
            );
        };
        if self.is_async {
            for param in &self.params {
                let ty = &param.ty;
                out.extend(quote_spanned! {ty.span()=>
                    const _: fn() = || {
                        fn async_param<'js, T: #p::AsyncParam<'js>>() {}
                        async_param::<#ty>();
                    };
                });
            }
        }
        if self.params.iter().any(|x| x.bytes.is_some()) {
            for param in self.params.iter().filter(|x| x.bytes.is_none()) {
                let ty = &param.ty;
                out.extend(quote_spanned! {ty.span()=>
                    const _: fn() = || {
                        fn inert<T: #p::Inert>() {}
                        inert::<#ty>();
                    };
                });
            }
        }
        out
    }

    /// A `|| String` of `(params)` and, unless `ret` is None, `: ret`.
    pub fn ts_signature(&self, krate: &TokenStream, ret: Option<TokenStream>) -> TokenStream {
        let ps = self.params.iter().map(|p| {
            let (ty, name) = (&p.ty, &p.name);
            quote_spanned!(ty.span()=> <#ty as #krate::__private::FromParam<'_>>::ts_param(#name))
        });
        let ret = match ret {
            Some(r) => quote!(format!(": {}", #r)),
            None => quote!(String::new()),
        };
        quote!(|| {
            let params: ::std::vec::Vec<::std::string::String> =
                ::std::vec::Vec::<::std::option::Option<::std::string::String>>::from([#(#ps),*])
                    .into_iter()
                    .flatten()
                    .collect();
            format!("({}){}", params.join(", "), #ret)
        })
    }

    /// The trampoline's body: a call through the native layer that converts
    /// the arguments, borrows the receiver (methods), takes `&[u8]` slices,
    /// and calls `target` (an async one spawns the future). `target` is the
    /// function's path (`fib`, `Self::new`) or, for a method, its name.
    pub fn call_body(
        &self,
        krate: &TokenStream,
        export: &TokenStream,
        target: &TokenStream,
        kind: CallKind,
    ) -> TokenStream {
        let p = quote!(#krate::__private);
        let conversions = self.params.iter().map(|x| {
            let (var, ty) = (&x.var, &x.ty);
            let m = if x.mutable { quote!(mut) } else { quote!() };
            quote_spanned! {ty.span()=>
                let #m #var = <#ty as #p::FromParam<'_>>::from_param(args, &mut __next)?;
            }
        });
        let call_args = self.params.iter().map(|x| &x.call_arg);
        let bytes = self.bytes_prologue(krate);
        let recv = match self.receiver {
            Receiver::Mut => quote!(let mut __recv = #p::ClassMut::<Self>::of_receiver(args)?;),
            Receiver::Ref => quote!(let __recv = #p::ClassRef::<Self>::of_receiver(args)?;),
            Receiver::None => quote!(),
        };
        let callee = match self.receiver {
            Receiver::None => quote!(#target),
            _ => quote!(__recv.#target),
        };
        let prologue = quote! {
            #[allow(unused_mut, unused_variables)]
            let mut __next = 0usize;
            #(#conversions)*
        };
        match kind {
            CallKind::Constructor => quote! {
                #p::construct::<Self, _>(&#export, ctx, this, argc, argv, |args| {
                    #prologue
                    #bytes
                    #p::IntoInstance::into_instance(#callee(#(#call_args),*))
                })
            },
            CallKind::Sync => quote! {
                #p::call(&#export, ctx, this, argc, argv, |args| {
                    #prologue
                    #recv
                    #bytes
                    #p::IntoJs::into_js(#callee(#(#call_args),*), args.ctx())
                })
            },
            CallKind::Async => {
                // An async method works on a clone of the value.
                let recv = match self.receiver {
                    Receiver::None => quote!(),
                    _ => {
                        quote!(let __recv: Self = ::std::clone::Clone::clone(&*#p::ClassRef::<Self>::of_receiver(args)?);)
                    }
                };
                let call = match self.receiver {
                    Receiver::None => quote!(#callee(#(#call_args),*)),
                    _ => quote!(async move { #callee(#(#call_args),*).await }),
                };
                quote! {
                    #p::call_async(&#export, ctx, this, argc, argv, |args| {
                        #prologue
                        #recv
                        ::std::result::Result::Ok(#call)
                    })
                }
            }
        }
    }

    /// With `&[u8]` parameters: forbid JS and take the slices (after every
    /// conversion and the receiver's borrow).
    fn bytes_prologue(&self, krate: &TokenStream) -> TokenStream {
        let bytes: Vec<_> = self
            .params
            .iter()
            .enumerate()
            .filter_map(|(i, x)| Some((&x.var, x.bytes.as_ref()?, i)))
            .collect();
        if bytes.is_empty() {
            return quote!();
        }
        let vars = bytes.iter().map(|b| b.0);
        let slices = bytes.iter().map(|b| b.1);
        // The JS argument index of each, for errors: a function with `&[u8]`
        // parameters takes only plain data besides (checked), so every
        // parameter is a JS argument and its index is its position.
        let positions = bytes.iter().map(|b| b.2);
        quote! {
            let __no_js = #krate::__private::NoJsGuard::enter();
            // SAFETY: until the call returns no JS runs: the function's other
            // parameters are plain data (checked above) and the guard makes
            // the safe API refuse to run JS, so the buffers stay put.
            #[allow(unused_unsafe)]
            let (#(#slices,)*) = unsafe { (#(args.bytes_slice(&#vars, #positions)?,)*) };
        }
    }
}

/// How a trampoline calls its function.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    Sync,
    Async,
    Constructor,
}

/// The TypeScript type of a function's result (`Promise<...>` if async).
pub fn ts_return(sig: &Signature, krate: &TokenStream) -> TokenStream {
    let t = match &sig.output {
        ReturnType::Default => quote!(<() as #krate::__private::TypeScript>::ts()),
        ReturnType::Type(_, ty) => {
            let ty = erase_lifetimes(ty);
            quote_spanned!(ty.span()=> <#ty as #krate::__private::TypeScript>::ts())
        }
    };
    if sig.asyncness.is_some() {
        quote!(format!("Promise<{}>", #t))
    } else {
        t
    }
}

/// A C string literal of `name`.
pub fn c_name(name: &syn::LitStr) -> syn::Result<syn::LitCStr> {
    Ok(syn::LitCStr::new(
        &std::ffi::CString::new(name.value())
            .map_err(|_| syn::Error::new_spanned(name, "a JS name cannot contain NUL"))?,
        name.span(),
    ))
}

/// The `extern "C"` trampoline `name` the engine calls, running `body`.
pub fn trampoline(name: &syn::Ident, body: &TokenStream, krate: &TokenStream) -> TokenStream {
    let sys = quote!(#krate::__private::sys);
    quote! {
        unsafe extern "C" fn #name(
            ctx: *mut #sys::JSContext,
            this: #sys::JSValue,
            argc: ::std::os::raw::c_int,
            argv: *mut #sys::JSValue,
        ) -> #sys::JSValue {
            // SAFETY: the engine calls this with a live context, `this`
            // and argc live arguments, as the call helpers require.
            unsafe { #body }
        }
    }
}
