//! What a `#[js]` item exports to MicroQuickJS: names, parameters, the
//! function's `length`, and the C symbol of each native function.
//!
//! One description for both sides of the ROM standard library: `#[js]`
//! (this crate) generates the `extern "C"` functions under these symbols,
//! and the build script's `Stdlib` (quickjs-rust-mquickjs-sys, which
//! includes this file) lists the same items, lengths and symbols in the
//! tables MicroQuickJS's generator writes. Parameters are classified by
//! their spelling (`Ctx`, `This<T>`, `Option<T>`), the one rule both sides
//! can apply to source text; a type alias of them is a compile error
//! (the generated code checks each kind against the type's own).

use syn::{Attribute, FnArg, ImplItem, Item, ItemFn, ItemImpl, ItemStruct, Pat, Type};

/// How a parameter is filled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamKind {
    /// A JS argument; `optional` for `Option<T>` (missing or `undefined`
    /// is `None`).
    Arg { optional: bool },
    /// The context (`Ctx`).
    Ctx,
    /// The call's `this` (`This<T>`).
    This,
}

/// One parameter.
pub struct Param {
    /// How it is filled.
    pub kind: ParamKind,
    /// Its type as written.
    pub ty: Type,
    /// Its name, for errors.
    pub name: String,
}

/// The receiver of a method.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Receiver {
    /// None (a function, a static method or a constructor).
    None,
    /// `&self`.
    Ref,
    /// `&mut self`.
    Mut,
}

/// A native function: a free function or one member of a class.
pub struct Func {
    /// The Rust name.
    pub rust: syn::Ident,
    /// The JS name.
    pub js: String,
    /// Its parameters, in order.
    pub params: Vec<Param>,
    /// Its receiver.
    pub receiver: Receiver,
    /// `strict`: more arguments than parameters is an error.
    pub strict: bool,
}

impl Func {
    /// The JS `length`: the arguments before the first optional one.
    pub fn length(&self) -> usize {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Arg { .. }))
            .take_while(|p| p.kind == ParamKind::Arg { optional: false })
            .count()
    }

    /// The JS arguments the function takes at most.
    pub fn max_args(&self) -> usize {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Arg { .. }))
            .count()
    }
}

/// What a class member is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum MemberKind {
    /// `#[js(constructor)]`.
    Constructor,
    /// A method (`&self` / `&mut self`), on the prototype.
    Method,
    /// An associated function without `self`, on the constructor.
    Static,
    /// `#[js(get)]` of the property.
    Getter(String),
    /// `#[js(set)]` of the property.
    Setter(String),
}

impl MemberKind {
    /// The part of the symbol that names the kind.
    fn tag(&self) -> &'static str {
        match self {
            MemberKind::Constructor => "new",
            MemberKind::Method => "m",
            MemberKind::Static => "s",
            MemberKind::Getter(_) => "get",
            MemberKind::Setter(_) => "set",
        }
    }
}

/// A class member.
pub struct Member {
    /// What it is.
    pub kind: MemberKind,
    /// The function.
    pub func: Func,
}

/// `#[js(...)]` options of an item, as far as exports go.
#[derive(Default)]
pub struct Opts {
    /// `name = "..."`.
    pub name: Option<String>,
    /// `constructor`.
    pub constructor: bool,
    /// `get`.
    pub get: bool,
    /// `set`.
    pub set: bool,
    /// `skip`.
    pub skip: bool,
    /// `strict`.
    pub strict: bool,
    /// `extends = Base`.
    pub extends: Option<syn::Path>,
    /// `base` (a field: the value of the class `extends` names).
    pub base: bool,
}

impl Opts {
    /// Takes one option; `Ok(false)` for one this description ignores
    /// (the macro reports what does not apply).
    pub fn apply(&mut self, meta: &syn::meta::ParseNestedMeta) -> syn::Result<bool> {
        let p = &meta.path;
        if p.is_ident("name") {
            self.name = Some(meta.value()?.parse::<syn::LitStr>()?.value());
        } else if p.is_ident("constructor") {
            self.constructor = true;
        } else if p.is_ident("get") {
            self.get = true;
        } else if p.is_ident("set") {
            self.set = true;
        } else if p.is_ident("skip") {
            self.skip = true;
        } else if p.is_ident("strict") {
            self.strict = true;
        } else if p.is_ident("extends") {
            self.extends = Some(meta.value()?.parse()?);
        } else if p.is_ident("base") {
            self.base = true;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// The options of the `#[js]` attributes in `attrs` (`None` if none).
    pub fn of(attrs: &[Attribute]) -> syn::Result<Option<Opts>> {
        let mut found = None;
        for a in attrs.iter().filter(|a| is_js(a)) {
            let o = found.get_or_insert_with(Opts::default);
            if let syn::Meta::List(_) = &a.meta {
                a.parse_nested_meta(|meta| {
                    if !o.apply(&meta)? {
                        return Err(meta.error("#[js]: unknown option for MicroQuickJS (expected `name = \"...\"`, `constructor`, `get`, `set`, `skip`, `strict`, `extends = Class` or `base`)"));
                    }
                    Ok(())
                })?;
            }
        }
        Ok(found)
    }
}

/// `#[js]` or `#[path::js]`.
pub fn is_js(a: &Attribute) -> bool {
    a.path().segments.last().is_some_and(|s| s.ident == "js")
}

/// The C symbol of a native function: unique in the program (the package,
/// the class, the kind and the Rust name), a C identifier.
pub fn symbol(package: &str, class: Option<&str>, kind: &str, rust: &str) -> String {
    let clean = |s: &str| s.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let rust = rust.trim_start_matches("r#");
    match class {
        Some(c) => format!("mqjs_{}__{}__{kind}_{rust}", clean(package), clean(c)),
        None => format!("mqjs_{}__fn_{rust}", clean(package)),
    }
}

/// The symbol of a free function.
pub fn fn_symbol(package: &str, f: &Func) -> String {
    symbol(package, None, "fn", &f.rust.to_string())
}

/// The symbol of a class member.
pub fn member_symbol(package: &str, class: &syn::Ident, m: &Member) -> String {
    symbol(
        package,
        Some(&class.to_string()),
        m.kind.tag(),
        &m.func.rust.to_string(),
    )
}

fn last_ident(ty: &Type) -> Option<&syn::Ident> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| &s.ident),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The parameters and receiver of `sig`.
pub fn parse_sig(sig: &syn::Signature, opts: &Opts, in_class: bool) -> syn::Result<Func> {
    if let Some(a) = &sig.asyncness {
        return Err(syn::Error::new_spanned(
            a,
            "#[js] on MicroQuickJS: no async functions (the engine has no Promise and no job queue)",
        ));
    }
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
    let mut params = Vec::new();
    let mut receiver = Receiver::None;
    for input in &sig.inputs {
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
        let kind = match last_ident(&arg.ty).map(|i| i.to_string()).as_deref() {
            Some("Ctx") => ParamKind::Ctx,
            Some("This") => ParamKind::This,
            Some("Option") => ParamKind::Arg { optional: true },
            _ => ParamKind::Arg { optional: false },
        };
        if let (ParamKind::Arg { optional: false }, Some(prev)) =
            (kind, params.last().map(|p: &Param| p.kind))
        {
            if prev == (ParamKind::Arg { optional: true }) {
                return Err(syn::Error::new_spanned(
                    &arg.ty,
                    "#[js]: optional (`Option<T>`) parameters come after the required ones",
                ));
            }
        }
        params.push(Param {
            kind,
            ty: (*arg.ty).clone(),
            name: pat.ident.to_string().trim_start_matches('_').to_string(),
        });
    }
    let js = opts
        .name
        .clone()
        .unwrap_or_else(|| sig.ident.to_string().trim_start_matches("r#").to_string());
    Ok(Func {
        rust: sig.ident.clone(),
        js,
        params,
        receiver,
        strict: opts.strict,
    })
}

/// A free `#[js]` function.
pub fn function(f: &ItemFn, opts: &Opts) -> syn::Result<Func> {
    parse_sig(&f.sig, opts, false)
}

/// A `#[js]` struct: its JS name and base class.
pub struct Class {
    /// The Rust type.
    pub rust: syn::Ident,
    /// The JS name.
    pub js: String,
    /// The base class (`extends = Base`).
    pub extends: Option<syn::Path>,
}

/// A `#[js]` struct.
pub fn class(s: &ItemStruct, opts: &Opts) -> Class {
    Class {
        rust: s.ident.clone(),
        js: opts.name.clone().unwrap_or_else(|| s.ident.to_string()),
        extends: opts.extends.clone(),
    }
}

/// The members a `#[js]` impl block exports: its `pub` functions and any
/// marked `#[js(..)]`, but not `#[js(skip)]`.
pub fn members(i: &ItemImpl) -> syn::Result<(syn::Ident, Vec<Member>)> {
    let Some(class) = last_ident(&i.self_ty).cloned() else {
        return Err(syn::Error::new_spanned(
            &i.self_ty,
            "#[js] impl: of a `#[js]` struct by its name",
        ));
    };
    let mut out = Vec::new();
    for item in &i.items {
        let ImplItem::Fn(f) = item else { continue };
        let opts = Opts::of(&f.attrs)?;
        let public = matches!(f.vis, syn::Visibility::Public(_));
        if !public && opts.is_none() {
            continue;
        }
        let opts = opts.unwrap_or_default();
        if opts.skip {
            continue;
        }
        let func = parse_sig(&f.sig, &opts, true)?;
        let kind = if opts.constructor {
            MemberKind::Constructor
        } else if opts.get {
            MemberKind::Getter(opts.name.clone().unwrap_or_else(|| f.sig.ident.to_string()))
        } else if opts.set {
            let n = f.sig.ident.to_string();
            MemberKind::Setter(
                opts.name
                    .clone()
                    .unwrap_or_else(|| n.strip_prefix("set_").unwrap_or(&n).to_string()),
            )
        } else if func.receiver == Receiver::None {
            MemberKind::Static
        } else {
            MemberKind::Method
        };
        out.push(Member { kind, func });
    }
    Ok((class, out))
}

/// Every `#[js]` item of a file, with the module path of inline modules
/// (`["a", "b"]` for `mod a { mod b { .. } }`).
pub enum Export {
    /// A function.
    Function(Vec<String>, Func),
    /// A struct.
    Class(Vec<String>, Class),
    /// An impl block's members.
    Members(Vec<String>, syn::Ident, Vec<Member>),
}

/// The `#[js]` items of `items`, in order (inline modules included).
pub fn scan(items: &[Item], path: &mut Vec<String>, out: &mut Vec<Export>) -> syn::Result<()> {
    for item in items {
        match item {
            Item::Fn(f) => {
                if let Some(o) = Opts::of(&f.attrs)? {
                    out.push(Export::Function(path.clone(), function(f, &o)?));
                }
            }
            Item::Struct(s) => {
                if let Some(o) = Opts::of(&s.attrs)? {
                    out.push(Export::Class(path.clone(), class(s, &o)));
                }
            }
            Item::Impl(i) if Opts::of(&i.attrs)?.is_some() => {
                let (c, m) = members(i)?;
                out.push(Export::Members(path.clone(), c, m));
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    path.push(m.ident.to_string());
                    scan(items, path, out)?;
                    path.pop();
                }
            }
            _ => {}
        }
    }
    Ok(())
}
