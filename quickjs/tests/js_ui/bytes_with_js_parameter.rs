// Borrowed bytes must not meet anything that can run JS (it could free them).
#[quickjs::js]
fn each_byte(data: &[u8], f: quickjs::Function) -> quickjs::Result<()> {
    for b in data {
        f.call::<_, ()>((*b,))?;
    }
    Ok(())
}

fn main() {}
