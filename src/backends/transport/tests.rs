//! The transport over real loopback servers: plain and TLS, keep-alive, closed and refused connections.
