package io.vnicsigner.control.policy;

import java.util.List;

import io.vnicsigner.control.config.PolicyConfig;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.PolicyHook;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One named policy, compiled for the request path: checks form, body size, dot segments and the allow rules in
 * that order, and keeps the reason of its last decision (a string built once, at compile time). Not thread-safe:
 * the one agent that signs requests owns it.
 */
public final class CompiledPolicy
{
    private static final DirectBuffer ROOT_PATH = new UnsafeBuffer(new byte[] {'/'});
    private static final String[] METHOD_NAMES = {null, "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

    private final String name;
    private final int[] methodMasks;
    private final Glob[] hosts;
    private final Glob[] paths;
    private final boolean originForm;
    private final boolean absoluteForm;
    private final long maxBody;
    private final String[] allowedReasons;
    private final String deniedNoRule;
    private final String deniedForm;
    private final String deniedBody;
    private final String deniedChunked;
    private final String deniedDotSegment;
    private String lastReason;

    public CompiledPolicy(final PolicyConfig config)
    {
        this.name = config.name();
        final List<PolicyConfig.Rule> rules = config.allow();
        methodMasks = new int[rules.size()];
        hosts = new Glob[rules.size()];
        paths = new Glob[rules.size()];
        allowedReasons = new String[rules.size()];
        for (int i = 0; i < rules.size(); i++)
        {
            final PolicyConfig.Rule rule = rules.get(i);
            methodMasks[i] = methodMask(rule);
            hosts[i] = rule.host() == null ? null : new Glob(rule.host(), '.', true);
            paths[i] = rule.path() == null ? null : new Glob(rule.path(), '/', false);
            allowedReasons[i] = "policy " + name + ": allowed by rule " + i;
        }
        originForm = config.originForm();
        absoluteForm = config.absoluteForm();
        maxBody = config.maxBody();
        deniedNoRule = "policy " + name + ": no allow rule matches";
        deniedForm = "policy " + name + ": request form not allowed";
        deniedBody = "policy " + name + ": body larger than maxBody " + maxBody;
        deniedChunked = "policy " + name + ": chunked body of unknown length with maxBody set";
        deniedDotSegment = "policy " + name + ": dot segment in path";
    }

    public String name()
    {
        return name;
    }

    /**
     * @return {@link PolicyHook#ALLOW}, 403 or 413; {@link #lastReason()} says why.
     */
    public int decide(final HttpRequest request)
    {
        if (request.isAbsoluteForm() ? !absoluteForm : !originForm)
        {
            lastReason = deniedForm;
            return 403;
        }
        if (maxBody >= 0)
        {
            if (request.isChunked())
            {
                lastReason = deniedChunked;
                return 413;
            }
            if (request.contentLength() > maxBody)
            {
                lastReason = deniedBody;
                return 413;
            }
        }
        final DirectBuffer buffer = request.buffer();
        final int pathLength = request.pathLength();
        final DirectBuffer pathBuffer = pathLength == 0 ? ROOT_PATH : buffer;
        final int pathOffset = pathLength == 0 ? 0 : request.pathOffset();
        final int pathLen = pathLength == 0 ? 1 : pathLength;
        if (hasDotSegment(pathBuffer, pathOffset, pathLen))
        {
            lastReason = deniedDotSegment;
            return 403;
        }
        final int hostOffset;
        int hostLength;
        if (request.isAbsoluteForm())
        {
            hostOffset = request.authorityOffset();
            hostLength = request.authorityLength();
        }
        else
        {
            final int index = request.hostIndex();
            hostOffset = index < 0 ? 0 : request.headerValueOffset(index);
            hostLength = index < 0 ? 0 : request.headerValueLength(index);
        }
        hostLength = withoutPort(buffer, hostOffset, hostLength);
        final int methodBit = 1 << request.method();
        for (int i = 0; i < methodMasks.length; i++)
        {
            if ((methodMasks[i] & methodBit) != 0 &&
                (hosts[i] == null || hosts[i].matches(buffer, hostOffset, hostLength)) &&
                (paths[i] == null || paths[i].matches(pathBuffer, pathOffset, pathLen)))
            {
                lastReason = allowedReasons[i];
                return PolicyHook.ALLOW;
            }
        }
        lastReason = deniedNoRule;
        return 403;
    }

    /** Why the last {@link #decide} answered as it did. */
    public String lastReason()
    {
        return lastReason;
    }

    /**
     * A literal or percent-encoded {@code .} or {@code ..} segment: a provider that normalises paths would serve
     * another resource than the one the glob matched, so named policies refuse them.
     */
    static boolean hasDotSegment(final DirectBuffer buffer, final int offset, final int length)
    {
        int segmentStart = offset;
        final int end = offset + length;
        for (int i = offset; i <= end; i++)
        {
            if (i == end || buffer.getByte(i) == '/')
            {
                if (isDots(buffer, segmentStart, i))
                {
                    return true;
                }
                segmentStart = i + 1;
            }
        }
        return false;
    }

    private static boolean isDots(final DirectBuffer buffer, final int start, final int end)
    {
        int dots = 0;
        int i = start;
        while (i < end)
        {
            if (buffer.getByte(i) == '.')
            {
                i++;
            }
            else if (i + 3 <= end && buffer.getByte(i) == '%' &&
                buffer.getByte(i + 1) == '2' && (buffer.getByte(i + 2) == 'e' || buffer.getByte(i + 2) == 'E'))
            {
                i += 3;
            }
            else
            {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }

    private static int withoutPort(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = length - 1; i >= 0; i--)
        {
            final byte b = buffer.getByte(offset + i);
            if (b == ':')
            {
                return i;
            }
            if (b < '0' || b > '9')
            {
                return length;
            }
        }
        return length;
    }

    private static int methodMask(final PolicyConfig.Rule rule)
    {
        if (rule.methods().isEmpty())
        {
            return -1;
        }
        int mask = 0;
        for (int m = 1; m < METHOD_NAMES.length; m++)
        {
            if (rule.methods().contains(METHOD_NAMES[m]))
            {
                mask |= 1 << m;
            }
        }
        return mask;
    }
}
