//! Accepting connections: one listener and one single-threaded runtime per
//! HTTP worker thread, all bound to the same address with `SO_REUSEPORT`.
//!
//! The kernel spreads new connections over the listeners, and a connection is
//! accepted, read, answered and closed on one thread. With one shared accept
//! loop on a multi-threaded runtime every connection would cross threads at
//! least once (accept on one, serve on another); for clients that close the
//! connection after each response that hand-off is a large part of the cost.
//! Engine work runs on the engine pool ([`super::run_blocking`]), one
//! thread per core shared by every worker, so a slow search never holds up a
//! worker's other connections.
//!
//! SIGINT/SIGTERM stop every accept loop; requests in flight finish first.
//!
//! On a system without `SO_REUSEPORT` (not Unix) the server runs one worker
//! whatever was asked, and logs a warning; only Linux is built and tested.

use std::net::SocketAddr;
use std::thread::JoinHandle;

use axum::Router;
use tokio::net::TcpSocket;
use tokio::sync::{mpsc, watch};

use super::timeouts::{Conn, TimedListener, Timeouts};

/// The worker sockets, bound to the address but not yet listening: binding
/// comes first, so that a busy address is reported before a large index has
/// been opened (which can take a long time), while connections are
/// refused rather than queued until the server is ready.
pub struct Listeners {
    addr: SocketAddr,
    sockets: Vec<TcpSocket>,
}

impl Listeners {
    /// Binds `addr` once per worker; `workers` = 0 means one per CPU core.
    pub fn bind(addr: SocketAddr, workers: usize) -> std::io::Result<Listeners> {
        let workers = if workers == 0 {
            shisaku_core::cores()
        } else {
            workers
        };
        // without SO_REUSEPORT a second socket cannot bind the address
        #[cfg(not(unix))]
        let workers = if workers > 1 {
            tracing::warn!(
                workers,
                "this system has no SO_REUSEPORT: serving with one HTTP worker"
            );
            1
        } else {
            workers
        };
        let addr = claim(addr)?;
        let sockets = (0..workers)
            .map(|_| {
                let socket = socket(addr)?;
                #[cfg(unix)]
                socket.set_reuseport(true)?;
                socket.bind(addr)?;
                #[cfg(target_os = "linux")]
                defer_accept(&socket)?;
                Ok(socket)
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Listeners { addr, sockets })
    }

    /// The address bound (with the port settled when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

/// Serves `router` on every worker's socket until SIGINT/SIGTERM, with the
/// connection `timeouts`. Returns once every worker has finished its
/// requests in flight.
pub async fn serve(
    router: Router,
    listeners: Listeners,
    timeouts: Timeouts,
) -> std::io::Result<()> {
    let Listeners { addr, sockets } = listeners;
    let workers = sockets.len();
    let listeners = sockets
        .into_iter()
        .map(|s| s.listen(1024)?.into_std())
        .collect::<std::io::Result<Vec<_>>>()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ended_tx, mut ended_rx) = mpsc::unbounded_channel();
    let handles = listeners
        .into_iter()
        .enumerate()
        .map(|(i, listener)| {
            spawn_worker(
                i,
                listener,
                router.clone(),
                timeouts,
                stop_rx.clone(),
                ended_tx.clone(),
            )
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    tracing::info!(%addr, workers, "listening");
    tokio::select! {
        _ = shutdown_signal() => {}
        // a worker that ends on its own (its runtime failed) stops the server
        Some(i) = ended_rx.recv() => tracing::error!(worker = i, "an HTTP worker stopped; shutting down"),
    }
    let _ = stop_tx.send(true);
    tokio::task::spawn_blocking(move || {
        let mut result = Ok(());
        for h in handles {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = Err(e),
                Err(_) => result = Err(std::io::Error::other("an HTTP worker panicked")),
            }
        }
        result
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Checks that `addr` is free and settles its port when it asks for any
/// (port 0). `SO_REUSEPORT` would let a second server started by mistake on
/// the same port silently share the connections; a plain bind first refuses
/// that with "address in use".
fn claim(addr: SocketAddr) -> std::io::Result<SocketAddr> {
    let probe = socket(addr)?;
    probe
        .bind(addr)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
    probe.local_addr()
}

/// `TCP_DEFER_ACCEPT`: the kernel hands a connection to `accept` only once
/// its request has arrived, so a worker accepts and reads it in one wake-up
/// instead of accepting, finding nothing to read and waiting again. A client
/// that connects and sends nothing is not accepted at all until it does
/// (nor after 5 s of silence).
#[cfg(target_os = "linux")]
fn defer_accept(socket: &TcpSocket) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let seconds: libc::c_int = 5;
    // SAFETY: a valid socket descriptor, and an option value of the size given.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_DEFER_ACCEPT,
            (&seconds as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

fn socket(addr: SocketAddr) -> std::io::Result<TcpSocket> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    Ok(socket)
}

/// Starts HTTP worker `i`: a thread with its own single-threaded runtime
/// serving `router` on `listener` until `stop` turns true; it says on `ended`
/// when it has finished.
fn spawn_worker(
    i: usize,
    listener: std::net::TcpListener,
    router: Router,
    timeouts: Timeouts,
    mut stop: watch::Receiver<bool>,
    ended: mpsc::UnboundedSender<usize>,
) -> std::io::Result<JoinHandle<std::io::Result<()>>> {
    std::thread::Builder::new()
        .name(format!("http-{i}"))
        .spawn(move || {
            let result = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .thread_name(format!("http-{i}-blocking"))
                .build()
                .and_then(|rt| {
                    let served = rt.block_on(async move {
                        let listener = TimedListener::new(
                            tokio::net::TcpListener::from_std(listener)?,
                            timeouts,
                        );
                        axum::serve(
                            listener,
                            router.into_make_service_with_connect_info::<Conn>(),
                        )
                        .with_graceful_shutdown(async move {
                            let _ = stop.wait_for(|stopped| *stopped).await;
                        })
                        .await
                    });
                    // requests in flight have finished; background work
                    // (overlaps being warmed) is not waited for
                    rt.shutdown_background();
                    served
                });
            let _ = ended.send(i);
            result
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
