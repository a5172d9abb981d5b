//! Connection timeouts: a client gets [`Timeouts::header`] from the first
//! byte of a request to its last header line, and a connection with nothing
//! in flight is closed after [`Timeouts::idle`] without a byte either way
//! (an idle keep-alive connection, a half-open one that never sends, a
//! client that stops reading a response). While a request's handler runs no
//! timeout of these applies (the request timeout bounds it).
//!
//! Each accepted socket is wrapped in a [`TimedStream`] that keeps the
//! deadline; the router's [`track_requests`] layer tells it, through the
//! connection's [`Conn`] (axum's `ConnectInfo`), when a request's headers
//! have been read and when its handler has answered.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// The two bounds (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub header: Duration,
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Default)]
struct Shared {
    /// Requests whose headers have been read (ever, on this connection).
    started: AtomicU64,
    /// Requests whose handler has not answered yet.
    busy: AtomicUsize,
}

/// One connection's request bookkeeping, handed to every request on it.
#[derive(Debug, Clone, Default)]
pub struct Conn(Arc<Shared>);

/// Marks a request in its handler until dropped.
struct Busy(Arc<Shared>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Release);
    }
}

/// Tells the request's connection (if it is a [`TimedStream`]) that the
/// request's headers are in and, when the handler has answered, that it is
/// no longer busy.
pub async fn track_requests(req: Request, next: Next) -> Response {
    let busy = req.extensions().get::<ConnectInfo<Conn>>().map(|c| {
        let shared = Arc::clone(&(c.0).0);
        shared.busy.fetch_add(1, Ordering::AcqRel);
        shared.started.fetch_add(1, Ordering::AcqRel);
        Busy(shared)
    });
    let res = next.run(req).await;
    drop(busy);
    res
}

/// A listener whose connections are [`TimedStream`]s (with `TCP_NODELAY`:
/// responses go out at once, not held back for Nagle's algorithm).
pub struct TimedListener {
    inner: TcpListener,
    timeouts: Timeouts,
}

impl TimedListener {
    pub fn new(inner: TcpListener, timeouts: Timeouts) -> Self {
        TimedListener { inner, timeouts }
    }
}

impl Listener for TimedListener {
    type Io = TimedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (TimedStream, std::net::SocketAddr) {
        let (tcp, addr) = Listener::accept(&mut self.inner).await;
        let _ = tcp.set_nodelay(true);
        (TimedStream::new(tcp, self.timeouts), addr)
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

impl axum::extract::connect_info::Connected<IncomingStream<'_, TimedListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, TimedListener>) -> Self {
        stream.io().conn.clone()
    }
}

/// A TCP stream that fails reads and writes with `TimedOut` once its
/// deadline has passed.
pub struct TimedStream {
    io: TcpStream,
    conn: Conn,
    timeouts: Timeouts,
    sleep: Pin<Box<Sleep>>,
    /// Last byte read or written.
    last_activity: Instant,
    /// First byte of a request whose headers are not all in yet.
    head_started: Option<Instant>,
    /// `started` as last seen.
    seen: u64,
}

impl TimedStream {
    fn new(io: TcpStream, timeouts: Timeouts) -> Self {
        let now = Instant::now();
        TimedStream {
            io,
            conn: Conn::default(),
            timeouts,
            sleep: Box::pin(tokio::time::sleep_until(now + timeouts.idle)),
            last_activity: now,
            head_started: None,
            seen: 0,
        }
    }

    /// Catches up with requests started since the last look.
    fn sync(&mut self) {
        let started = self.conn.0.started.load(Ordering::Acquire);
        if started != self.seen {
            self.seen = started;
            self.head_started = None;
            self.last_activity = Instant::now();
        }
    }

    fn busy(&self) -> bool {
        self.conn.0.busy.load(Ordering::Acquire) > 0
    }

    fn deadline(&mut self) -> Option<Instant> {
        self.sync();
        if self.busy() {
            return None;
        }
        Some(match self.head_started {
            Some(t) => t + self.timeouts.header,
            None => self.last_activity + self.timeouts.idle,
        })
    }

    fn read_some(&mut self) {
        self.sync();
        let now = Instant::now();
        self.last_activity = now;
        if self.head_started.is_none() && !self.busy() {
            self.head_started = Some(now);
        }
    }

    /// The result of a write to the connection: bytes written count as
    /// activity; a write that is pending waits no longer than the deadline.
    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match polled {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.last_activity = Instant::now();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.poll_deadline(cx),
        }
    }

    /// Pending until the deadline, then `TimedOut`.
    fn poll_deadline<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let Some(deadline) = self.deadline() else {
            return Poll::Pending;
        };
        let timed_out = || {
            Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection timed out (headers not received in time, or idle)",
            )))
        };
        if Instant::now() >= deadline {
            return timed_out();
        }
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => timed_out(),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for TimedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.read_some();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.poll_deadline(cx),
        }
    }
}

impl AsyncWrite for TimedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write(cx, data);
        self.wrote(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.wrote(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
