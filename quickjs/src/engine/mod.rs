//! The engine layer: what every other layer builds on, in three floors,
//! each building only on those below it:
//!
//! | floor | what it owns |
//! |---|---|
//! | `handle/` | handles and values: the context handle ([`handle::ctx::Ctx`]: errors in and out, atoms), owned values, errors, held values, the conversion traits, the one typed state per runtime and per context (`state.rs`), interrupts and panics kept raised, the one C boundary (`boundary.rs`), the thread's stack and the primitives of the hand-made synchronization (`sync.rs`: std's, or loom's for the model checks) |
//! | `convert/` | conversions of Rust's own types (numbers, strings, options, results) and the bounds on script-sized work (`limits.rs`: nesting, memory, time) |
//! | `objects/` | objects, functions, arrays and the other JS types with their conversions, properties, collections, objects built in one call (`build.rs`), the realm's captured built-ins, TypeScript names |
//!
//! It knows nothing of executors, classes or the embedding API (the layers
//! above), and builds on quickjs-ng and Bellard's QuickJS alike.

pub(crate) mod convert;
pub(crate) mod handle;
pub(crate) mod objects;
