//! `#[js]` on a struct (the class) and on its impl block (the members).

use crate::params::{self, c_name, ts_return, CallKind, Receiver};
use crate::Options;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ImplItem, ItemImpl, ItemStruct, LitStr, Type, Visibility};

pub fn expand_struct(s: &ItemStruct, opts: Options) -> syn::Result<TokenStream> {
    let krate = opts.krate();
    let p = quote!(#krate::__private);
    if !s.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &s.generics,
            "#[js] classes cannot be generic: JS sees one concrete class",
        ));
    }
    let ident = &s.ident;
    let name = opts
        .name
        .unwrap_or_else(|| LitStr::new(&ident.to_string(), ident.span()));
    let c = c_name(&name)?;
    // `#[js(base)]` marks the field holding the parent class's value.
    let mut s = s.clone();
    let mut base = None;
    let mut traced = Vec::new();
    for (i, field) in s.fields.iter_mut().enumerate() {
        let mut o = Options::default();
        let mut err = None;
        field.attrs.retain(|a| {
            if !a.path().is_ident("js") {
                return true;
            }
            if let Err(e) = a.parse_nested_meta(|meta| o.apply(meta)) {
                err = Some(e);
            }
            false
        });
        if let Some(e) = err {
            return Err(e);
        }
        let member = match &field.ident {
            Some(id) => quote!(#id),
            None => {
                let idx = syn::Index::from(i);
                quote!(#idx)
            }
        };
        if o.trace {
            traced.push(member.clone());
        } else if mentions_held(&field.ty) {
            return Err(syn::Error::new_spanned(
                &field.ty,
                "#[js]: a field holding `Held` values needs #[js(trace)], so the GC sees them",
            ));
        }
        if o.base {
            base = Some((member, field.ty.clone()));
        }
        o.only(&["base", "trace"], "a field")?;
    }
    let check = base_pairing(&s, opts.extends.as_ref(), base.as_ref().map(|b| &b.1))?;
    let (parent, upcast) = match (&opts.extends, &base) {
        (Some(parent), Some((member, ty))) => (
            quote!(::std::option::Option::Some(<#parent as #p::JsClass>::class)),
            quote!(::std::option::Option::Some({
                // The parent part of a value of this class.
                unsafe fn upcast(p: *mut ()) -> *mut () {
                    // SAFETY: p points at a live value of this class.
                    let base: *mut #ty = unsafe { ::std::ptr::addr_of_mut!((*p.cast::<#ident>()).#member) };
                    base.cast()
                }
                upcast
            })),
        ),
        _ => (
            quote!(::std::option::Option::None),
            quote!(::std::option::Option::None),
        ),
    };
    let (base_trace, base_traced) = match &base {
        Some((member, ty)) => (
            quote!(#p::Traced::trace_fields(&self.#member, tracer);),
            quote!(<#ty as #p::Traced>::TRACED),
        ),
        None => (quote!(), quote!(false)),
    };
    let any = !traced.is_empty();
    let traced_any = quote!(#any || #base_traced);
    Ok(quote! {
        #s

        #check

        impl #ident {
            #[doc(hidden)]
            pub const __JS_NAME: &'static str = #name;
            #[doc(hidden)]
            pub const __JS_C_NAME: &'static ::std::ffi::CStr = #c;
            #[doc(hidden)]
            pub const __JS_PARENT: ::std::option::Option<fn() -> &'static #p::ClassDef> = #parent;
            #[doc(hidden)]
            pub const __JS_UPCAST: ::std::option::Option<unsafe fn(*mut ()) -> *mut ()> = #upcast;
        }

        impl #p::TypeScript for #ident {
            fn ts() -> ::std::string::String {
                #name.into()
            }
        }

        impl #p::Traced for #ident {
            const TRACED: bool = #traced_any;
            fn trace_fields(&self, tracer: &mut #p::Tracer) {
                #( #p::Trace::trace(&self.#traced, tracer); )*
                #base_trace
            }
        }

        /// A new JS instance of the class holding this value.
        impl<'js> #p::IntoJs<'js> for #ident {
            fn into_js(self, ctx: #p::Ctx<'js>) -> #p::Result<#p::Value<'js>> {
                #p::instance(ctx, self, ::std::option::Option::None)
            }
        }
    })
}

/// Whether a type names `Held` anywhere (`Held`, `Option<Held>`, ...).
fn mentions_held(ty: &Type) -> bool {
    fn walk(ts: TokenStream) -> bool {
        ts.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "Held",
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote!(#ty))
}

/// The impl block with the `#[js(...)]` attributes of its members removed.
pub fn without_js_attrs(mut imp: ItemImpl) -> ItemImpl {
    for item in &mut imp.items {
        if let ImplItem::Fn(f) = item {
            f.attrs.retain(|a| !a.path().is_ident("js"));
        }
    }
    imp
}

enum Kind {
    Constructor,
    Method,
    Static,
    Getter,
    Setter,
}

struct Member {
    kind: Kind,
    js_name: String,
    konst: syn::Ident,
}

pub fn expand_impl(imp: &ItemImpl, krate: &TokenStream) -> syn::Result<TokenStream> {
    let p = quote!(#krate::__private);
    if imp.trait_.is_some() || !imp.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            imp,
            "#[js] goes on the struct's own (inherent, non-generic) impl block",
        ));
    }
    let self_ty = &*imp.self_ty;
    let Type::Path(tp) = self_ty else {
        return Err(syn::Error::new_spanned(
            self_ty,
            "#[js] impl: expected a struct name",
        ));
    };
    let rust_name = tp.path.segments.last().unwrap().ident.to_string();
    let mut clean = imp.clone();
    let mut items = Vec::new();
    let mut members = Vec::new();
    for item in &mut clean.items {
        let ImplItem::Fn(f) = item else { continue };
        let mut opts = Options::default();
        let mut marked = false;
        let mut err = None;
        f.attrs.retain(|a| {
            if a.path().is_ident("js") {
                marked = true;
                if let syn::Meta::List(_) = &a.meta {
                    if let Err(e) = a.parse_nested_meta(|meta| opts.apply(meta)) {
                        err = Some(e);
                    }
                }
                false
            } else {
                true
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        opts.only(
            &["name", "constructor", "get", "set", "skip", "strict"],
            "a method",
        )?;
        let exported = !opts.skip && (marked || matches!(f.vis, Visibility::Public(_)));
        if !exported {
            continue;
        }
        let sig = &f.sig;
        let params = params::parse(sig, Some(self_ty), krate)?;
        let mut accessor_check = quote!();
        let ident = &sig.ident;
        let is_async = sig.asyncness.is_some();
        let kind = if opts.constructor {
            if params.receiver != Receiver::None || is_async {
                return Err(syn::Error::new_spanned(sig, "#[js(constructor)]: a synchronous associated function without `self` that returns Self (or Result<Self, E>)"));
            }
            Kind::Constructor
        } else if opts.get || opts.set {
            if params.receiver == Receiver::None || is_async {
                return Err(syn::Error::new_spanned(
                    sig,
                    "#[js(get)]/#[js(set)]: a synchronous method on `&self` / `&mut self`",
                ));
            }
            // The types say how many JS arguments there are (a `Ctx` is none).
            let arity = params.arity(krate);
            let (want, msg) = if opts.get {
                (quote!((0, 0)), "#[js(get)]: a getter takes no arguments")
            } else {
                (
                    quote!((1, 1)),
                    "#[js(set)]: a setter takes exactly one argument",
                )
            };
            accessor_check = quote_spanned! {sig.inputs.span()=>
                const _: () = {
                    let (r, m) = #arity;
                    let (wr, wm): (u32, u32) = #want;
                    ::std::assert!(r == wr && m == wm, #msg);
                };
            };
            if opts.get {
                Kind::Getter
            } else {
                Kind::Setter
            }
        } else if params.receiver == Receiver::None {
            Kind::Static
        } else {
            Kind::Method
        };
        let js_name = match (&opts.name, &kind) {
            (Some(n), _) => n.value(),
            (None, Kind::Setter) => {
                let s = ident.to_string();
                s.strip_prefix("set_").unwrap_or(&s).to_string()
            }
            (None, Kind::Constructor) => rust_name.clone(),
            (None, _) => ident.to_string(),
        };
        let tag = match kind {
            Kind::Getter => "GET_",
            Kind::Setter => "SET_",
            _ => "",
        };
        let konst = format_ident!("__JS_{}{}", tag, ident.to_string().to_uppercase());
        let tramp = format_ident!("__js_{}{}", tag.to_lowercase(), ident);
        let call_kind = match (&kind, is_async) {
            (Kind::Constructor, _) => CallKind::Constructor,
            (_, true) => CallKind::Async,
            _ => CallKind::Sync,
        };
        let target = match params.receiver {
            Receiver::None => quote!(Self::#ident),
            _ => quote!(#ident),
        };
        let mut checks = params.checks(krate);
        checks.extend(accessor_check);
        let body = params.call_body(krate, &quote!(Self::#konst), &target, call_kind);
        let body = quote!({ #checks #body });
        let ts = match kind {
            Kind::Constructor | Kind::Setter => params.ts_signature(krate, None),
            _ => params.ts_signature(krate, Some(ts_return(sig, krate))),
        };
        let trampoline = params::trampoline(&tramp, &body, krate);
        let full_name = format!("{rust_name}.{js_name}");
        let js_lit = LitStr::new(&js_name, ident.span());
        let c = c_name(&js_lit)?;
        let arity = params.arity(krate);
        let strict = opts.strict;
        items.push(quote! {
            #[doc(hidden)]
            pub const #konst: #p::NativeFunction = {
                const ARITY: (u32, u32) = #arity;
                #p::NativeFunction {
                    name: #full_name,
                    c_name: #c,
                    required: ARITY.0,
                    max: ARITY.1,
                    strict: #strict,
                    func: Self::#tramp,
                    ts: #ts,
                }
            };
            #[doc(hidden)]
            #trampoline
        });
        members.push(Member {
            kind,
            js_name,
            konst,
        });
    }

    let path = |k: &syn::Ident| quote!(<#self_ty>::#k);
    let mut ctor = quote!(::std::option::Option::None);
    let (mut methods, mut statics) = (Vec::new(), Vec::new());
    let mut accessors: Vec<(String, Option<TokenStream>, Option<TokenStream>)> = Vec::new();
    let mut ts_lines = Vec::new();
    for m in &members {
        let k = path(&m.konst);
        let n = &m.js_name;
        match m.kind {
            Kind::Constructor => {
                ctor = quote!(::std::option::Option::Some(&#k));
                ts_lines.push(quote!(format!("constructor{}", (#k.ts)())));
            }
            Kind::Method => {
                methods.push(k.clone());
                ts_lines.push(quote!(format!("{}{}", #n, (#k.ts)())));
            }
            Kind::Static => {
                statics.push(k.clone());
                ts_lines.push(quote!(format!("static {}{}", #n, (#k.ts)())));
            }
            Kind::Getter | Kind::Setter => {
                let getter = matches!(m.kind, Kind::Getter);
                ts_lines.push(if getter {
                    quote!(format!("get {}{}", #n, (#k.ts)()))
                } else {
                    quote!(format!("set {}{}", #n, (#k.ts)()))
                });
                let entry = match accessors.iter_mut().find(|a| a.0 == *n) {
                    Some(e) => e,
                    None => {
                        accessors.push((n.clone(), None, None));
                        accessors.last_mut().unwrap()
                    }
                };
                if getter {
                    entry.1 = Some(quote!(&#k));
                } else {
                    entry.2 = Some(quote!(&#k));
                }
            }
        }
    }
    let accessors = accessors.iter().map(|(n, g, s)| {
        let lit = LitStr::new(n, Span2::call_site());
        let c = c_name(&lit).unwrap();
        let opt = |x: &Option<TokenStream>| match x {
            Some(t) => quote!(::std::option::Option::Some(#t)),
            None => quote!(::std::option::Option::None),
        };
        let (g, s) = (opt(g), opt(s));
        quote!(#p::Accessor { name: #n, c_name: #c, get: #g, set: #s })
    });
    Ok(quote! {
        #clean

        #[allow(non_snake_case, clippy::all)]
        impl #self_ty {
            #(#items)*
        }

        impl #p::JsClass for #self_ty {
            fn class() -> &'static #p::ClassDef {
                static DEF: #p::ClassDef = #p::ClassDef {
                    name: <#self_ty>::__JS_NAME,
                    c_name: <#self_ty>::__JS_C_NAME,
                    constructor: #ctor,
                    methods: &[#(#methods),*],
                    accessors: &[#(#accessors),*],
                    statics: &[#(#statics),*],
                    finalizer: #p::finalize::<#self_ty>,
                    gc_mark: if <#self_ty as #p::Traced>::TRACED {
                        ::std::option::Option::Some(#p::mark::<#self_ty>)
                    } else {
                        ::std::option::Option::None
                    },
                    parent: <#self_ty>::__JS_PARENT,
                    upcast: <#self_ty>::__JS_UPCAST,
                    ts: || {
                        let members: ::std::vec::Vec<String> = ::std::vec![#(#ts_lines),*];
                        let extends = match <#self_ty>::__JS_PARENT {
                            ::std::option::Option::Some(p) => format!(" extends {}", p().name),
                            ::std::option::Option::None => String::new(),
                        };
                        let mut s = format!("export class {}{} {{\n", <#self_ty>::__JS_NAME, extends);
                        for m in members {
                            s += &format!("  {m};\n");
                        }
                        s + "}"
                    },
                    ids: #p::ClassIds::NEW,
                };
                &DEF
            }
        }
    })
}

use proc_macro2::Span as Span2;

/// `#[js(extends = Parent)]` and its `#[js(base)]` field go together (on
/// both engines): the check that the field's type is `Parent`, or the
/// error that says which half is missing.
pub(crate) fn base_pairing(
    s: &syn::ItemStruct,
    extends: Option<&syn::Path>,
    base: Option<&syn::Type>,
) -> syn::Result<proc_macro2::TokenStream> {
    // A packed struct's base field may be unaligned: the `&Base` a base
    // class's method gets would be too.
    if let (Some(_), Some(packed)) = (base, s.attrs.iter().find(|a| is_packed(a))) {
        return Err(syn::Error::new_spanned(
            packed,
            "#[js(extends = ..)]: a packed struct's base field may be unaligned (its methods take `&Base`): drop `packed`",
        ));
    }
    match (extends, base) {
        (Some(parent), Some(ty)) => Ok(quote! {
            const _: fn() = || {
                // The base field's type is the class named by `extends`.
                fn same<T>(_: ::core::marker::PhantomData<T>, _: ::core::marker::PhantomData<T>) {}
                same(::core::marker::PhantomData::<#parent>, ::core::marker::PhantomData::<#ty>);
            };
        }),
        (Some(parent), None) => Err(syn::Error::new_spanned(
            parent,
            "#[js(extends = ..)]: mark the field that holds the parent's value with #[js(base)]",
        )),
        (None, Some(ty)) => Err(syn::Error::new_spanned(
            ty,
            "#[js(base)] without #[js(extends = ..)] on the struct",
        )),
        (None, None) => Ok(quote!()),
    }
}

/// `#[repr(packed)]` or `#[repr(C, packed(N))]`.
fn is_packed(a: &syn::Attribute) -> bool {
    if !a.path().is_ident("repr") {
        return false;
    }
    let mut packed = false;
    let _ = a.parse_nested_meta(|m| {
        if m.path.is_ident("packed") {
            packed = true;
        }
        if m.input.peek(syn::token::Paren) {
            let _content;
            syn::parenthesized!(_content in m.input);
        }
        Ok(())
    });
    packed
}
