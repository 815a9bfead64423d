//! The inspector's network side, served off the JS thread: a listener
//! thread answers the HTTP discovery requests (`/json`, `/json/list`,
//! `/json/version`) and hands each WebSocket connection to a thread of its
//! own, which passes the client's messages to the JS thread ([`Shared`])
//! and writes back what the JS thread sends.
//!
//! Invariants: nothing here touches the engine; the JS thread learns of a
//! message through [`Shared::pending`] (read at its interrupt polls), the
//! condition variable (while paused) and the runtime's wake signal (while
//! idle in the host's loop). WebSocket framing is `tungstenite`'s; a
//! connection's socket is non-blocking and waited on with `async-io`, so
//! an idle connection costs no CPU.

use async_io::Async;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

/// A connection's read buffer (bigger messages take several reads).
const READ_BUFFER: usize = 8 << 10;
/// The largest message a client may send (a script source for
/// `compileScript`, an expression): larger ones end the connection.
const MAX_MESSAGE: usize = 16 << 20;

/// What a connection tells the JS thread.
pub(crate) enum Incoming {
    /// A client connected (its id).
    Open(u64),
    /// A client's message.
    Text(u64, String),
    /// A client went away.
    Closed(u64),
}

/// What the network threads and the JS thread share.
pub(crate) struct Shared {
    inbox: Mutex<VecDeque<Incoming>>,
    arrived: Condvar,
    /// Set when the inbox has messages (a relaxed read at each poll).
    pub(crate) pending: AtomicBool,
    clients: Mutex<Vec<(u64, async_channel::Sender<String>)>>,
    /// Wakes the JS thread's loop (the runtime's wake signal).
    kick: Box<dyn Fn() + Send + Sync>,
    /// The target's id (the WebSocket path), title and URL.
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) url: String,
    closed: AtomicBool,
    next_client: AtomicU64,
}

impl Shared {
    pub(crate) fn new(title: String, url: String, kick: Box<dyn Fn() + Send + Sync>) -> Arc<Self> {
        Arc::new(Shared {
            inbox: Mutex::new(VecDeque::new()),
            arrived: Condvar::new(),
            pending: AtomicBool::new(false),
            clients: Mutex::new(Vec::new()),
            kick,
            id: target_id(),
            title,
            url,
            closed: AtomicBool::new(false),
            next_client: AtomicU64::new(1),
        })
    }

    fn push(&self, m: Incoming) {
        let mut inbox = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        inbox.push_back(m);
        self.pending.store(true, Ordering::Release);
        self.arrived.notify_all();
        drop(inbox);
        (self.kick)();
    }

    /// The next message, waiting up to `wait` for one (`None`: forever).
    pub(crate) fn next(&self, wait: Option<Duration>) -> Option<Incoming> {
        let mut inbox = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(m) = inbox.pop_front() {
                self.pending.store(!inbox.is_empty(), Ordering::Release);
                return Some(m);
            }
            if self.closed.load(Ordering::Acquire) {
                return None;
            }
            match wait {
                Some(Duration::ZERO) => return None,
                Some(d) => {
                    let (g, t) = self
                        .arrived
                        .wait_timeout(inbox, d)
                        .unwrap_or_else(|e| e.into_inner());
                    inbox = g;
                    if t.timed_out() && inbox.is_empty() {
                        return None;
                    }
                }
                None => inbox = self.arrived.wait(inbox).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }

    /// Sends `text` to client `to` (gone clients are skipped).
    pub(crate) fn send(&self, to: u64, text: String) {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, tx)) = clients.iter().find(|(id, _)| *id == to) {
            let _ = tx.try_send(text);
        }
    }

    /// Ends every connection and wakes a JS thread waiting for messages.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        let _g = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        self.arrived.notify_all();
    }
}

/// A random-looking id in UUID form (what clients expect in the path).
fn target_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let a = h.finish();
    h.write_u64(a);
    let b = h.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// A listening inspector: the listener thread and the address it took.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Listens on `addr` (port 0: any free port) and serves in a thread.
    pub(crate) fn start(addr: SocketAddr, shared: Arc<Shared>) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let s = shared.clone();
        std::thread::Builder::new()
            .name("quickjs-inspector".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if s.closed.load(Ordering::Acquire) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let s = s.clone();
                    let _ = std::thread::Builder::new()
                        .name("quickjs-inspector-client".into())
                        .spawn(move || {
                            let _ = serve(stream, addr, &s);
                        });
                }
            })?;
        Ok(Server { addr, shared })
    }

    /// The WebSocket URL a client connects to.
    pub(crate) fn ws_url(&self) -> String {
        format!("ws://{}/{}", self.addr, self.shared.id)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.close();
        // Unblock the listener's accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// The request's head (peeked, not consumed): its length and whether it
/// asks for a WebSocket, and its path.
fn peek_head(stream: &TcpStream) -> io::Result<(usize, bool, String)> {
    let mut buf = vec![0u8; 8192];
    for _ in 0..100 {
        let n = stream.peek(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf[..n]) {
            Ok(httparse::Status::Complete(len)) => {
                let upgrade = req.headers.iter().any(|h| {
                    h.name.eq_ignore_ascii_case("upgrade")
                        && String::from_utf8_lossy(h.value).eq_ignore_ascii_case("websocket")
                });
                return Ok((len, upgrade, req.path.unwrap_or("/").to_string()));
            }
            Ok(httparse::Status::Partial) if n < buf.len() => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => return Err(io::ErrorKind::InvalidData.into()),
        }
    }
    Err(io::ErrorKind::TimedOut.into())
}

fn serve(mut stream: TcpStream, addr: SocketAddr, shared: &Arc<Shared>) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let (len, upgrade, path) = peek_head(&stream)?;
    if upgrade {
        if path.trim_start_matches('/') != shared.id {
            return respond(
                &mut stream,
                len,
                "404 Not Found",
                "text/plain",
                "unknown target",
            );
        }
        // The handshake on a clone (blocking), then frames on the
        // original, non-blocking.
        tungstenite::accept(stream.try_clone()?).map_err(|_| io::ErrorKind::InvalidData)?;
        stream.set_read_timeout(None)?;
        return connection(stream, shared);
    }
    let json = |body: String| (body, "application/json; charset=UTF-8");
    let host = addr.to_string();
    let (body, kind) = match path.trim_end_matches('/') {
        "/json" | "/json/list" => json(target_list(shared, &host)),
        "/json/protocol" => json(super::messages::descriptor()),
        "/json/version" => json(
            serde_json::json!({"Browser": concat!("quickjs-rust/", env!("CARGO_PKG_VERSION")),
                                "Protocol-Version": "1.3"})
            .to_string(),
        ),
        _ => return respond(&mut stream, len, "404 Not Found", "text/plain", "not found"),
    };
    respond(&mut stream, len, "200 OK", kind, &body)
}

fn target_list(shared: &Shared, host: &str) -> String {
    let ws = format!("{host}/{}", shared.id);
    serde_json::json!([{
        "description": "quickjs-rust instance",
        "devtoolsFrontendUrl": format!("devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws={ws}"),
        "devtoolsFrontendUrlCompat": format!("devtools://devtools/bundled/inspector.html?experiments=true&v8only=true&ws={ws}"),
        "faviconUrl": "",
        "id": shared.id,
        "title": shared.title,
        "type": "node",
        "url": shared.url,
        "webSocketDebuggerUrl": format!("ws://{ws}"),
    }])
    .to_string()
}

fn respond(
    stream: &mut TcpStream,
    head: usize,
    status: &str,
    kind: &str,
    body: &str,
) -> io::Result<()> {
    let mut head_buf = vec![0u8; head];
    stream.read_exact(&mut head_buf)?;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// One client's connection, until it or the inspector ends.
fn connection(stream: TcpStream, shared: &Arc<Shared>) -> io::Result<()> {
    let id = shared.next_client.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = async_channel::unbounded::<String>();
    shared
        .clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((id, tx));
    shared.push(Incoming::Open(id));
    // Small messages both ways, one at a time: no Nagle delay.
    stream.set_nodelay(true)?;
    let io = Async::new(stream)?;
    let result = async_io::block_on(pump(&io, &rx, id, shared));
    shared
        .clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(c, _)| *c != id);
    shared.push(Incoming::Closed(id));
    result
}

enum Event {
    Readable,
    Writable,
    Out(Option<String>),
}

async fn pump(
    io: &Async<TcpStream>,
    rx: &async_channel::Receiver<String>,
    id: u64,
    shared: &Shared,
) -> io::Result<()> {
    use futures_lite::future;
    // Small read buffers: tungstenite zero-fills its whole read buffer at
    // each read (128 KiB by default: most of a step's cost).
    let config = tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(MAX_MESSAGE));
    let mut ws = WebSocket::from_raw_socket(io.get_ref(), Role::Server, Some(config));
    let would_block = |e: &tungstenite::Error| matches!(e, tungstenite::Error::Io(e) if e.kind() == io::ErrorKind::WouldBlock);
    let fail = |_| io::Error::from(io::ErrorKind::ConnectionAborted);
    loop {
        while let Ok(m) = rx.try_recv() {
            match ws.write(Message::text(m)) {
                Err(e) if !would_block(&e) => return Err(fail(e)),
                _ => {}
            }
        }
        let flushed = match ws.flush() {
            Ok(()) => true,
            Err(e) if would_block(&e) => false,
            Err(e) => return Err(fail(e)),
        };
        match ws.read() {
            Ok(Message::Text(t)) => shared.push(Incoming::Text(id, t.to_string())),
            Ok(Message::Binary(b)) => {
                shared.push(Incoming::Text(id, String::from_utf8_lossy(&b).into_owned()))
            }
            Ok(_) => {}
            Err(e) if would_block(&e) => {
                let readable = async { io.readable().await.map(|_| Event::Readable) };
                let out = async { Ok(Event::Out(rx.recv().await.ok())) };
                let writable = async {
                    if flushed {
                        future::pending::<()>().await;
                    }
                    io.writable().await.map(|_| Event::Writable)
                };
                match future::or(readable, future::or(out, writable)).await? {
                    Event::Out(Some(m)) => match ws.write(Message::text(m)) {
                        Err(e) if !would_block(&e) => return Err(fail(e)),
                        _ => {}
                    },
                    Event::Out(None) => return Ok(()),
                    Event::Readable | Event::Writable => {}
                }
            }
            Err(_) => return Ok(()),
        }
    }
}
