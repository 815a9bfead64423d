//! `quickjs::module!`: a `NativeModule` static from function names, class
//! types and constants. `quickjs::module!` is a `macro_rules!` wrapper that
//! passes its `$crate` first, so a renamed `quickjs` dependency works.
//!
//! ```text
//! $crate; pub static RUST = "rust" { fib, path::to::sleep }
//!     classes { Counter } consts { VERSION: &str = "1.0" }
//! ```

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{braced, Expr, Ident, LitStr, Path, Token, Type, Visibility};

pub struct ModuleDef {
    krate: TokenStream,
    /// The static's attributes (`///` docs among them).
    attrs: Vec<syn::Attribute>,
    vis: Visibility,
    ident: Ident,
    name: LitStr,
    functions: Vec<Path>,
    classes: Vec<Type>,
    constants: Vec<(Ident, Type, Expr)>,
}

struct Constant {
    key: Ident,
    ty: Type,
    value: Expr,
}

impl Parse for Constant {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty = input.parse()?;
        input.parse::<Token![=]>()?;
        let value = input.parse()?;
        Ok(Constant { key, ty, value })
    }
}

impl Parse for ModuleDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `$crate` arrives as one token tree (or a path, when renamed).
        let mut krate = TokenStream::new();
        while !input.peek(Token![;]) {
            let tt: proc_macro2::TokenTree = input.parse()?;
            krate.extend([tt]);
        }
        input.parse::<Token![;]>()?;
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        input.parse::<Token![static]>()?;
        let ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let name = input.parse()?;
        let content;
        braced!(content in input);
        let functions = Punctuated::<Path, Token![,]>::parse_terminated(&content)?
            .into_iter()
            .collect();
        let mut classes = Vec::new();
        let mut constants = Vec::new();
        while !input.is_empty() {
            let section: Ident = input.parse()?;
            let content;
            braced!(content in input);
            if section == "classes" {
                classes.extend(Punctuated::<Type, Token![,]>::parse_terminated(&content)?);
            } else if section == "consts" {
                constants.extend(
                    Punctuated::<Constant, Token![,]>::parse_terminated(&content)?
                        .into_iter()
                        .map(|c| (c.key, c.ty, c.value)),
                );
            } else {
                return Err(syn::Error::new_spanned(
                    section,
                    "quickjs::module!: expected `classes { .. }` or `consts { .. }` after the functions",
                ));
            }
        }
        Ok(ModuleDef {
            krate,
            attrs,
            vis,
            ident,
            name,
            functions,
            classes,
            constants,
        })
    }
}

pub fn expand(def: ModuleDef) -> TokenStream {
    let ModuleDef {
        krate,
        attrs,
        vis,
        ident,
        name,
        functions,
        classes,
        constants,
    } = def;
    let p = quote!(#krate::__private);
    let functions = functions.into_iter().map(export_path);
    let constants = constants.into_iter().map(|(k, t, v)| {
        let c_name = syn::LitCStr::new(
            &std::ffi::CString::new(k.to_string()).expect("identifiers have no NUL"),
            k.span(),
        );
        quote! {
            #p::Constant {
                c_name: #c_name,
                value: |ctx| #p::IntoJs::into_js({ let v: #t = #v; v }, ctx),
                ts: <#t as #p::TypeScript>::ts,
            }
        }
    });
    // A doc of its own unless given one: the static may be public.
    let doc = if attrs.iter().any(|a| a.path().is_ident("doc")) {
        quote!()
    } else {
        quote!(#[doc = concat!("The native module `", #name, "`.")])
    };
    quote! {
        #(#attrs)*
        #doc
        #vis static #ident: #p::NativeModule = #p::NativeModule {
            name: #name,
            functions: &[#(#functions),*],
            classes: &[#(<#classes as #p::JsClass>::class),*],
            constants: &[#(#constants),*],
        };
    }
}

/// `path::to::fib` -> `path::to::__js_export_fib`: the descriptor `#[js]`
/// made for the function.
pub fn export_path(mut path: syn::Path) -> syn::Path {
    if let Some(last) = path.segments.last_mut() {
        last.ident = format_ident!("__js_export_{}", last.ident, span = last.ident.span());
    }
    path
}
