package io.vnicsigner.dataplane.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real loopback TCP server whose connections each run a scripted handler on their own thread, so tests
 * can answer, stall, or cut off exactly where they want.
 */
final class ScriptedServer implements AutoCloseable
{
    interface Script
    {
        void run(Socket socket, int connectionNumber) throws Exception;
    }

    /**
     * A request as read off the wire: its head (without the final CRLFCRLF) and its body.
     */
    record Request(String head, byte[] body)
    {
    }

    private final ServerSocket serverSocket;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ScriptedServer(final Script script) throws IOException
    {
        this(script, 50);
    }

    ScriptedServer(final Script script, final int backlog) throws IOException
    {
        this(new ServerSocket(0, backlog, InetAddress.getLoopbackAddress()), script);
    }

    /**
     * Serves on a listener made by the caller, for example a TLS one.
     */
    ScriptedServer(final ServerSocket serverSocket, final Script script)
    {
        this.serverSocket = serverSocket;
        acceptor = Thread.ofPlatform().daemon().name("scripted-accept").start(() ->
        {
            try
            {
                while (!serverSocket.isClosed())
                {
                    final Socket socket = serverSocket.accept();
                    sockets.add(socket);
                    final int number = connections.incrementAndGet();
                    Thread.ofPlatform().daemon().name("scripted-" + number).start(() ->
                    {
                        try (socket)
                        {
                            script.run(socket, number);
                        }
                        catch (final Exception ex)
                        {
                            if (!serverSocket.isClosed())
                            {
                                errors.add(ex);
                            }
                        }
                    });
                }
            }
            catch (final IOException ignore)
            {
                // closed
            }
        });
    }

    int port()
    {
        return serverSocket.getLocalPort();
    }

    int connections()
    {
        return connections.get();
    }

    List<Throwable> errors()
    {
        return errors;
    }

    public void close() throws IOException
    {
        serverSocket.close();
        for (final Socket socket : sockets)
        {
            socket.close();
        }
    }

    /**
     * Reads one request with a Content-Length body (or none); null if the peer closed first.
     */
    static Request readRequest(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        final String text = head.toString(StandardCharsets.ISO_8859_1);
        final String headText = text.substring(0, text.length() - 4);
        long length = 0;
        for (final String line : headText.split("\r\n"))
        {
            if (line.toLowerCase().startsWith("content-length:"))
            {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        return new Request(headText, in.readNBytes((int)length));
    }

    static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
