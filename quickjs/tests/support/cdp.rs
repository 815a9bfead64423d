//! A small Chrome DevTools Protocol client over WebSocket (tungstenite),
//! for the inspector's tests and benchmark: calls wait for their reply,
//! events wait in a queue.
#![allow(dead_code)]

use serde_json::{json, Value as Json};
use std::collections::VecDeque;
use std::net::TcpStream;
use std::time::Duration;
use tungstenite::{Message, WebSocket};

/// A CDP client: calls wait for their reply, events wait in a queue.
pub struct Client {
    ws: WebSocket<TcpStream>,
    next: u64,
    events: VecDeque<Json>,
}

impl Client {
    pub fn connect(url: &str) -> Client {
        let (ws, _) = tungstenite::connect(url).expect("connect");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            s.set_nodelay(true).unwrap();
        }
        let ws = match ws.into_inner() {
            tungstenite::stream::MaybeTlsStream::Plain(s) => WebSocket::from_raw_socket(
                s,
                tungstenite::protocol::Role::Client,
                // tungstenite zero-fills its read buffer at each read: keep it small.
                Some(tungstenite::protocol::WebSocketConfig::default().read_buffer_size(8 << 10)),
            ),
            _ => unreachable!("ws:// is plain TCP"),
        };
        Client {
            ws,
            next: 0,
            events: VecDeque::new(),
        }
    }

    pub fn read(&mut self) -> Json {
        loop {
            match self.ws.read().expect("read (timed out?)") {
                Message::Text(t) => return serde_json::from_str(&t).unwrap(),
                Message::Close(_) => panic!("closed"),
                _ => continue,
            }
        }
    }

    pub fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).unwrap();
    }

    /// The whole reply (`result` or `error`) to a call.
    pub fn reply(&mut self, method: &str, params: Json) -> Json {
        self.next += 1;
        let id = self.next;
        self.send_text(&json!({"id": id, "method": method, "params": params}).to_string());
        loop {
            let m = self.read();
            if m["id"] == json!(id) {
                return m;
            }
            self.events.push_back(m);
        }
    }

    pub fn call(&mut self, method: &str, params: Json) -> Json {
        let r = self.reply(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// Forgets the events received so far.
    pub fn clear(&mut self) {
        self.events.clear();
    }

    pub fn event(&mut self, method: &str) -> Json {
        if let Some(i) = self.events.iter().position(|e| e["method"] == method) {
            return self.events.remove(i).unwrap()["params"].clone();
        }
        loop {
            let m = self.read();
            if m["method"] == method {
                return m["params"].clone();
            }
            self.events.push_back(m);
        }
    }
}

/// Runs `rt`'s loop (which serves the clients while idle) until `done`.
pub fn turn_until(rt: &quickjs::Runtime, done: impl Fn() -> bool) {
    while !done() {
        async_io::block_on(rt.run_until(async {
            quickjs::sleep(Duration::from_millis(2)).await;
            Ok::<_, quickjs::Error>(())
        }))
        .unwrap();
    }
}

/// Runs `client` on a thread of its own while `rt`'s loop serves it (a
/// client's calls wait for the runtime's thread); its result.
pub fn served<R: Send + 'static>(
    rt: &quickjs::Runtime,
    client: impl FnOnce() -> R + Send + 'static,
) -> R {
    let thread = std::thread::spawn(client);
    turn_until(rt, || thread.is_finished());
    thread.join().unwrap()
}
