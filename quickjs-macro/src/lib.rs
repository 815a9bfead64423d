//! `#[js]`: turns a plain Rust function into a native JavaScript function.
//!
//! ```ignore
//! #[js] pub fn fib(n: i64) -> i64 { if n <= 1 { n.max(0) } else { n + fib(n - 1) } }
//! #[js] pub async fn sleep(ms: u64) { quickjs::sleep(Duration::from_millis(ms)).await; }
//! quickjs::module!(pub static RUST = "rust" { fib, sleep });
//! ```
//!
//! The function stays as written. Beside it, `#[js]` generates a module of the
//! same name (modules and functions live in different namespaces) holding
//! `EXPORT`, the function's [`NativeFunction`] descriptor, and its `extern "C"`
//! trampoline, which checks the argument count, converts every argument with
//! `FromJs` (a failure names the function, the position and what was
//! expected), calls the function inside the panic boundary and converts the
//! result with `IntoJs`. Trailing `Option<T>` parameters are optional; the JS
//! `length` is the number of required ones. An `async fn` returns a Promise.
//! `#[js(name = "jsName")]` exports under another name. `#[js]` functions are
//! module-level items (the generated module refers to the function through
//! `super::`, which cannot reach items local to a function body).
//!
//! [`NativeFunction`]: https://docs.rs/quickjs/latest/quickjs/struct.NativeFunction.html

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_macro_input, FnArg, ItemFn, LitStr, Pat, Type};

/// Exports a function to JavaScript; see the crate documentation.
#[proc_macro_attribute]
pub fn js(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = parse_macro_input!(item as ItemFn);
    let mut js_name: Option<LitStr> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            js_name = Some(meta.value()?.parse()?);
            Ok(())
        } else {
            Err(meta.error("#[js]: unknown option (expected `name = \"...\"`)"))
        }
    });
    parse_macro_input!(attr with parser);
    match expand(&func, js_name) {
        Ok(ts) => ts.into(),
        Err(e) => {
            let err = e.to_compile_error();
            quote!(#func #err).into()
        }
    }
}

fn expand(func: &ItemFn, js_name: Option<LitStr>) -> syn::Result<proc_macro2::TokenStream> {
    let sig = &func.sig;
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "#[js] functions cannot be generic: JS calls one concrete function",
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new(
            v.span(),
            "#[js] functions cannot be variadic",
        ));
    }
    let is_async = sig.asyncness.is_some();
    let ident = &sig.ident;
    let vis = &func.vis;
    let name = js_name.unwrap_or_else(|| LitStr::new(&ident.to_string(), ident.span()));
    let c_name = syn::LitCStr::new(
        &std::ffi::CString::new(name.value())
            .map_err(|_| syn::Error::new(name.span(), "a JS name cannot contain NUL"))?,
        name.span(),
    );

    let mut conversions = Vec::new();
    let mut call_args = Vec::new();
    let mut optional_tail = 0u32;
    let inputs: Vec<_> = sig.inputs.iter().collect();
    for (i, input) in inputs.iter().enumerate() {
        let FnArg::Typed(arg) = input else {
            return Err(syn::Error::new(
                input.span(),
                "#[js] on methods comes with classes; a free function takes no `self`",
            ));
        };
        if !matches!(&*arg.pat, Pat::Ident(_)) {
            return Err(syn::Error::new(
                arg.pat.span(),
                "#[js] parameters must be plain names",
            ));
        }
        let var = format_ident!("arg{}", i);
        let ty = &*arg.ty;
        if is_option(ty) {
            optional_tail += 1;
        } else {
            optional_tail = 0;
        }
        match ty {
            Type::Reference(r) if is_str(&r.elem) && r.mutability.is_none() => {
                if is_async {
                    return Err(syn::Error::new(ty.span(), "async #[js] functions take owned arguments: use String, not &str (the future outlives the call)"));
                }
                // Borrowed from the engine for the duration of the call.
                conversions.push(
                    quote_spanned!(ty.span()=> let #var: ::quickjs::JsStr<'_> = args.get(#i)?;),
                );
                call_args.push(quote!(&*#var));
            }
            Type::Reference(_) => {
                return Err(syn::Error::new(ty.span(), "#[js]: this reference type is not supported as an argument; `&str` is, or take an owned type"));
            }
            _ => {
                conversions.push(quote_spanned!(ty.span()=> let #var: #ty = args.get(#i)?;));
                call_args.push(quote!(#var));
            }
        }
    }
    let max = inputs.len() as u32;
    let required = max - optional_tail;

    let body = if is_async {
        quote! {
            ::quickjs::native::call_async(&EXPORT, ctx, argc, argv, |args| {
                #(#conversions)*
                ::std::result::Result::Ok(super::#ident(#(#call_args),*))
            })
        }
    } else {
        quote! {
            ::quickjs::native::call(&EXPORT, ctx, argc, argv, |args| {
                #(#conversions)*
                ::quickjs::IntoJs::into_js(super::#ident(#(#call_args),*), args.ctx())
            })
        }
    };
    let doc = format!(
        "`#[js]` export of [`{ident}()`]({ident}()): JS name `{}`.",
        name.value()
    );
    let span = Span::call_site();
    Ok(quote_spanned! {span=>
        #func

        #[doc = #doc]
        #[allow(non_snake_case, unused_imports)]
        #vis mod #ident {
            use super::*;

            /// The descriptor that `quickjs::module!` lists.
            pub const EXPORT: ::quickjs::NativeFunction = ::quickjs::NativeFunction {
                name: #name,
                c_name: #c_name,
                required: #required,
                max: #max,
                func: trampoline,
            };

            unsafe extern "C" fn trampoline(
                ctx: *mut ::quickjs::sys::JSContext,
                _this: ::quickjs::sys::JSValue,
                argc: ::std::os::raw::c_int,
                argv: *mut ::quickjs::sys::JSValue,
            ) -> ::quickjs::sys::JSValue {
                // SAFETY: the engine calls this with a live context and argc
                // live arguments, as `call`/`call_async` require.
                unsafe { #body }
            }
        }
    })
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("str"))
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}
