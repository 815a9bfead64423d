//! `#[js]`: native JavaScript functions and classes written as plain Rust.
//!
//! ```ignore
//! #[js] pub fn fib(n: i64) -> i64 { if n <= 1 { n.max(0) } else { n + fib(n - 1) } }
//! #[js] pub async fn sleep(ms: u64) { quickjs::sleep(Duration::from_millis(ms)).await; }
//!
//! #[js] pub struct Counter { count: i64 }
//! #[js] impl Counter {
//!     #[js(constructor)] pub fn new(start: Option<i64>) -> Self { Counter { count: start.unwrap_or(0) } }
//!     pub fn increment(&mut self) -> i64 { self.count += 1; self.count }
//!     #[js(get)] pub fn count(&self) -> i64 { self.count }
//! }
//! quickjs::module!(pub static RUST = "rust" { fib, sleep } classes { Counter });
//! ```
//!
//! **Functions.** The function stays as written. Beside it, `#[js]`
//! generates one hidden constant, `__js_export_<name>`: the function's
//! `NativeFunction` descriptor, holding its `extern "C"` trampoline (no
//! other item, so nothing shadows the names around it: a `#[js] fn rand`
//! next to `use rand::Rng` compiles). `quickjs::module!` lists functions by
//! their own names and finds the constants. The trampoline checks the
//! argument count, converts every argument (a failure names the function,
//! the position and what was expected), calls the function inside the one
//! C boundary and converts the result with `IntoJs` (`Err` is thrown, its
//! kind chosen by a `quickjs::Error`).
//!
//! **Parameters** are whatever implements `quickjs::FromParam`,
//! which lets the type itself say whether it takes a JS argument, how it
//! counts toward the arity and what its TypeScript is: any `FromJs` type
//! with a TypeScript name (trailing `Option<T>` are optional: the JS
//! `length` counts the required ones), a last `Rest<T>` (the remaining
//! arguments), `Ctx` (sync) or `AsyncCtx` (async) for the context and
//! `This<T>` for the call's `this`, under any name or alias. References
//! borrow for the call: `&str` (no copy), `&[u8]` (from a JS buffer, no
//! copy; the other parameters must then be plain data, and no JS runs while
//! the bytes are borrowed), `&T` / `&mut T` of a `#[js]` class. An
//! `async fn` returns a Promise. Too few arguments is a `TypeError`; extra
//! ones are ignored, as JS functions do, unless `#[js(strict)]` (functions
//! and methods) makes them an error too. `#[js(name = "jsName")]` exports
//! under another name; `#[js(crate = "path")]` names the `quickjs` crate when it
//! is renamed (e.g. `#[js(crate = "qjs")]`; on a struct and its impl block
//! too).
//!
//! **Classes.** `#[js]` on a struct makes it a JS class (`#[js(name = ..)]`
//! renames it); `#[js]` on its impl block exports its `pub` members (and
//! any marked `#[js(..)]`):
//! `#[js(constructor)]` (returns `Self` or `Result<Self, E>`), methods
//! taking `&self` / `&mut self`, associated functions without `self` (static
//! methods), `#[js(get)]` / `#[js(set)]` accessors (a setter named `set_x`
//! sets `x`), async methods on `&self` (the future works on a clone: `Self:
//! Clone`), and `#[js(skip)]` for Rust-only items. Every argument is
//! converted before the receiver is borrowed; a re-entrant call that would
//! alias a `&mut self` borrow throws a `TypeError`. `#[js(extends = Base)]`
//! on the struct with a `#[js(base)]` field of type `Base` makes it a
//! subclass of another `#[js]` class; `#[js(trace)]` fields hold
//! `quickjs::Held` JS values that the GC traces through the instance.
//!
//! Every parameter and result type names its TypeScript type
//! (`quickjs::TypeScript`), from which `NativeModule::typescript` writes the
//! module's `.d.ts`.
#![warn(missing_docs)]

mod class;
mod params;

mod micro;
mod module;

use params::{c_name, ts_return, CallKind};
use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{format_ident, quote, quote_spanned};
use syn::{parse_macro_input, Item, ItemFn, LitStr};

/// Options of `#[js(...)]`.
#[derive(Default)]
pub(crate) struct Options {
    pub name: Option<LitStr>,
    pub constructor: bool,
    pub get: bool,
    pub set: bool,
    pub skip: bool,
    pub extends: Option<syn::Path>,
    pub base: bool,
    pub trace: bool,
    /// `strict`: more arguments than parameters is an error.
    pub strict: bool,
    /// `crate = "path"`: how the generated code names the `quickjs` crate.
    pub krate: Option<syn::Path>,
    /// Each option given, with its path (for errors where it does not apply).
    pub given: Vec<syn::Path>,
}

impl Options {
    /// An error for the first option given that is not in `allowed` (what
    /// `#[js]` accepts on `what`).
    pub(crate) fn only(&self, allowed: &[&str], what: &str) -> syn::Result<()> {
        match self
            .given
            .iter()
            .find(|p| !allowed.iter().any(|a| p.is_ident(a)))
        {
            Some(p) => Err(syn::Error::new_spanned(
                p,
                if allowed.is_empty() {
                    format!("#[js] on {what} takes no options")
                } else {
                    format!("#[js] on {what} takes only: {}", allowed.join(", "))
                },
            )),
            None => Ok(()),
        }
    }

    /// Takes one `#[js(...)]` option.
    pub(crate) fn apply(&mut self, meta: syn::meta::ParseNestedMeta) -> syn::Result<()> {
        self.given.push(meta.path.clone());
        if meta.path.is_ident("name") {
            self.name = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("constructor") {
            self.constructor = true;
        } else if meta.path.is_ident("get") {
            self.get = true;
        } else if meta.path.is_ident("set") {
            self.set = true;
        } else if meta.path.is_ident("skip") {
            self.skip = true;
        } else if meta.path.is_ident("extends") {
            self.extends = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("base") {
            self.base = true;
        } else if meta.path.is_ident("trace") {
            self.trace = true;
        } else if meta.path.is_ident("strict") {
            self.strict = true;
        } else if meta.path.is_ident("crate") {
            let lit: LitStr = meta.value()?.parse()?;
            self.krate = Some(lit.parse()?);
        } else {
            return Err(meta.error(
                "#[js]: unknown option (expected `name = \"...\"`, `constructor`, `get`, `set`, `skip`, `extends = Class`, `base`, `trace`, `strict` or `crate = \"path\"`)",
            ));
        }
        Ok(())
    }

    /// The path of the `quickjs` crate in the generated code.
    pub(crate) fn krate(&self) -> proc_macro2::TokenStream {
        match &self.krate {
            Some(p) => quote!(#p),
            None => quote!(::quickjs),
        }
    }
}

/// Exports a function, a struct (as a class) or its impl block (the class's
/// members) to JavaScript; see the crate documentation.
#[proc_macro_attribute]
pub fn js(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut opts = Options::default();
    let parser = syn::meta::parser(|meta| opts.apply(meta));
    parse_macro_input!(attr with parser);
    let item = parse_macro_input!(item as Item);
    let out = match &item {
        Item::Fn(f) => opts
            .only(&["name", "strict", "crate"], "a function")
            .and_then(|()| expand_fn(f, &opts)),
        Item::Struct(s) => opts
            .only(&["name", "extends", "crate"], "a struct")
            .and_then(|()| class::expand_struct(s, opts)),
        Item::Impl(i) => opts
            .only(&["crate"], "an impl block (its members take the others)")
            .and_then(|()| class::expand_impl(i, &opts.krate())),
        other => Err(syn::Error::new_spanned(
            other,
            "#[js] goes on a function, a struct or the struct's impl block",
        )),
    };
    match out {
        Ok(ts) => ts.into(),
        Err(e) => {
            let err = e.to_compile_error();
            // The item as written (members' `#[js(...)]` removed), so the
            // error above is the only one.
            let item = match item {
                Item::Impl(i) => Item::Impl(class::without_js_attrs(i)),
                other => other,
            };
            quote!(#item #err).into()
        }
    }
}

fn expand_fn(func: &ItemFn, opts: &Options) -> syn::Result<proc_macro2::TokenStream> {
    let krate = opts.krate();
    let sig = &func.sig;
    let p = params::parse(sig, None, &krate)?;
    let kind = if sig.asyncness.is_some() {
        CallKind::Async
    } else {
        CallKind::Sync
    };
    let ident = &sig.ident;
    let vis = &func.vis;
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| LitStr::new(&ident.to_string(), ident.span()));
    let c_name = c_name(&name)?;
    let export = format_ident!("__js_export_{}", ident);
    let arity = p.arity(&krate);
    let strict = opts.strict;
    let checks = p.checks(&krate);
    let ts = p.ts_signature(&krate, Some(ts_return(sig, &krate)));
    let body = p.call_body(&krate, &quote!(#export), &quote!(#ident), kind);
    let trampoline = params::trampoline(
        &syn::Ident::new("trampoline", Span::call_site()),
        &body,
        &krate,
    );
    let doc = format!(
        "`#[js]` export of [`{ident}()`]({ident}()): JS name `{}` (list the function in `quickjs::module!`).",
        name.value()
    );
    let span = Span::call_site();
    Ok(quote_spanned! {span=>
        #func

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis const #export: #krate::__private::NativeFunction = {
            #checks
            #trampoline
            const ARITY: (u32, u32) = #arity;
            #krate::__private::NativeFunction {
                name: #name,
                c_name: #c_name,
                required: ARITY.0,
                max: ARITY.1,
                strict: #strict,
                func: trampoline,
                ts: #ts,
            }
        };
    })
}

/// `#[js]` for MicroQuickJS (`mquickjs::js`); see `quickjs-rust-mquickjs`.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn mquickjs_js(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as Item);
    match micro::expand(attr.into(), item.clone()) {
        Ok(ts) => ts.into(),
        Err(e) => {
            let err = e.to_compile_error();
            let item = match item {
                Item::Impl(i) => Item::Impl(class::without_js_attrs(i)),
                other => other,
            };
            quote!(#item #err).into()
        }
    }
}

/// The body of `quickjs::function!`: `path::to::f` -> `&path::to::__js_export_f`
/// (the descriptor `#[js]` made for `f`).
#[doc(hidden)]
#[proc_macro]
pub fn __function(input: TokenStream) -> TokenStream {
    let path = module::export_path(parse_macro_input!(input as syn::Path));
    quote!(&#path).into()
}

/// The body of `quickjs::module!` (which passes `$crate` first); see there.
#[doc(hidden)]
#[proc_macro]
pub fn __module(input: TokenStream) -> TokenStream {
    let def = parse_macro_input!(input as module::ModuleDef);
    module::expand(def).into()
}
