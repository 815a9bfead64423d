//! Prints "BEST MEDIAN" (ms per `bench()` of the public script-bench-rs
//! workload, best and median of 15 after a warm-up) on mlua, as that
//! project's own harness sets it up (`src/mlua.rs` there): a userdata
//! `RustData` with `__lt` and `__tostring`, `rand` from the `rand` crate's
//! thread generator, `table.create` on Lua 5.5, sandbox and optimization
//! level 2 on Luau. The script is read from a checkout of script-bench-rs
//! (argv[1]: its `scripts/sort_userdata.lua`); the check that the result
//! is sorted runs outside the timed region.

use mlua::{
    Function, Lua, MetaMethod, Result, String as LuaString, Table, UserData, UserDataMethods,
    UserDataRef,
};
use rand::RngExt;
use std::rc::Rc;
use std::time::Instant;

#[derive(Default, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RustData(Rc<str>);

impl UserData for RustData {
    fn register(registry: &mut mlua::UserDataRegistry<Self>) {
        registry.add_function("new", |_, s: LuaString| Ok(RustData((*s.to_str()?).into())));
        registry.add_meta_method(MetaMethod::Lt, |_, this, rhs: UserDataRef<Self>| {
            Ok(this < &rhs)
        });
        registry.add_meta_method(MetaMethod::ToString, |_, this, ()| Ok(this.0.to_string()));
        #[cfg(feature = "luau")]
        registry.enable_namecall();
    }
}

fn main() -> Result<()> {
    let path = std::env::args().nth(1).expect("the path of sort_userdata.lua");
    let script = std::fs::read_to_string(&path).expect("read the script");
    let lua = Lua::new();
    let globals = lua.globals();
    globals.set("RustData", lua.create_proxy::<RustData>()?)?;
    globals.set(
        "rand",
        Function::wrap_raw(|n: u32| rand::rng().random_range(0..n)),
    )?;
    #[cfg(feature = "luau")]
    {
        lua.sandbox(true)?;
        lua.set_compiler(mlua::Compiler::new().set_optimization_level(2));
    }
    #[cfg(not(feature = "luau"))]
    {
        let table = lua.globals().get::<Table>("table")?;
        table.set(
            "create",
            lua.create_function(|lua, narr: usize| lua.create_table_with_capacity(narr, 0))?,
        )?;
    }
    lua.load(&script).exec()?;
    let bench = lua.globals().get::<Function>("bench")?;
    let mut times: Vec<f64> = Vec::new();
    for _ in 0..16 {
        let t = Instant::now();
        let sorted: Table = bench.call(())?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        let mut prev = RustData::default();
        let mut count = 0;
        for v in sorted.sequence_values::<UserDataRef<RustData>>() {
            let v = v?;
            assert!(prev <= *v, "not sorted");
            prev = v.clone();
            count += 1;
        }
        assert_eq!(count, 10_000);
    }
    times.remove(0);
    times.sort_by(f64::total_cmp);
    println!("{:.1} {:.1}", times[0], times[times.len() / 2]);
    Ok(())
}
