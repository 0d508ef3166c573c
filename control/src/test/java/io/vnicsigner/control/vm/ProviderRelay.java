package io.vnicsigner.control.vm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vnicsigner.control.testing.NetnsLab;

/**
 * Makes a provider on the host's loopback reachable at {@code ip:port} inside a namespace: a Python process in
 * the namespace accepts TCP and hands each connection over a unix socket (file system paths cross namespaces) to
 * this JVM, which connects to the provider. Bytes are copied unchanged in both directions.
 */
final class ProviderRelay implements AutoCloseable
{
    private static final String NAMESPACE_SIDE = """
        import socket, sys, threading
        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        server = socket.create_server((sys.argv[1], int(sys.argv[2])))
        print("listening", flush=True)
        while True:
            tcp, _ = server.accept()
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.connect(sys.argv[3])
            threading.Thread(target=pump, args=(tcp, unix), daemon=True).start()
            threading.Thread(target=pump, args=(unix, tcp), daemon=True).start()
        """;

    private final ServerSocketChannel unixServer;
    private final Thread acceptor;
    private final Path socket;

    private ProviderRelay(final ServerSocketChannel unixServer, final Path socket, final int providerPort)
    {
        this.unixServer = unixServer;
        this.socket = socket;
        this.acceptor = new Thread(() -> acceptLoop(providerPort), "provider-relay");
        this.acceptor.setDaemon(true);
    }

    static ProviderRelay start(final NetnsLab lab, final String ns, final String ip, final int port, final Path socket,
        final int providerPort) throws IOException
    {
        Files.deleteIfExists(socket);
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        final ProviderRelay relay = new ProviderRelay(server, socket, providerPort);
        relay.acceptor.start();
        final Path log = Files.createTempFile(socket.getParent(), "relay", ".log");
        lab.start(ns, log, "python3", "-u", "-c", NAMESPACE_SIDE, ip, Integer.toString(port), socket.toString());
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(log).contains("listening"))
        {
            if (System.nanoTime() - deadline > 0)
            {
                relay.close();
                throw new IOException("relay did not start: " + Files.readString(log));
            }
            Thread.onSpinWait();
        }
        return relay;
    }

    private void acceptLoop(final int providerPort)
    {
        try
        {
            while (true)
            {
                final SocketChannel guestSide = unixServer.accept();
                final SocketChannel provider = SocketChannel.open(new InetSocketAddress("127.0.0.1", providerPort));
                pump(guestSide, provider, false);
                pump(provider, guestSide, true);
            }
        }
        catch (final IOException closed)
        {
            // close() ends the loop.
        }
    }

    /**
     * Copies {@code from} to {@code to}. The guest's half-close (busybox nc sends FIN after the request) is not
     * passed on, since the provider might take it as an abort; the request says {@code Connection: close}, so the
     * provider's own close ends the exchange, and that end closes both sockets.
     */
    private static void pump(final SocketChannel from, final SocketChannel to, final boolean last)
    {
        final Thread thread = new Thread(() ->
        {
            final ByteBuffer buffer = ByteBuffer.allocate(65536);
            try
            {
                while (from.read(buffer.clear()) >= 0)
                {
                    buffer.flip();
                    while (buffer.hasRemaining())
                    {
                        to.write(buffer);
                    }
                }
                if (last)
                {
                    to.shutdownOutput();
                }
            }
            catch (final IOException ignore)
            {
                // Either side went away.
            }
            finally
            {
                if (last)
                {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }
        }, "provider-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final ByteChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // Test teardown: nothing left to do.
        }
    }

    public void close()
    {
        try
        {
            unixServer.close();
            Files.deleteIfExists(socket);
        }
        catch (final IOException ignore)
        {
            // Test teardown: nothing left to do.
        }
    }
}
