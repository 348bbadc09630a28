<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Counts</name>
    <message numerus="yes">
        <source>%n thread(s)</source>
        <translation>
            <numerusform>%n thread</numerusform>
            <numerusform>%n threads</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DictationPanel</name>
    <message numerus="yes">
        <source>Whisper {size} · %n thread(s) · window {window} s for files, {live} s live</source>
        <translation>
            <numerusform>Whisper {size} · %n thread · window {window} s for files, {live} s live</numerusform>
            <numerusform>Whisper {size} · %n threads · window {window} s for files, {live} s live</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Whisper {size} · up to %n thread(s) · window {window} s for files, {live} s live</source>
        <translation>
            <numerusform>Whisper {size} · up to %n thread · window {window} s for files, {live} s live</numerusform>
            <numerusform>Whisper {size} · up to %n threads · window {window} s for files, {live} s live</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote {files} · %n segment(s) · {seconds} s of audio at {rtf}× real time</source>
        <translation>
            <numerusform>Wrote {files} · %n segment · {seconds} s of audio at {rtf}× real time</numerusform>
            <numerusform>Wrote {files} · %n segments · {seconds} s of audio at {rtf}× real time</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message numerus="yes">
        <source>Context length: %n token(s)</source>
        <translation>
            <numerusform>Context length: %n token</numerusform>
            <numerusform>Context length: %n tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RemoteServersPage</name>
    <message numerus="yes">
        <source>Added {name}: %n model(s).</source>
        <translation>
            <numerusform>Added {name}: %n model.</numerusform>
            <numerusform>Added {name}: %n models.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatsBar</name>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message numerus="yes">
        <source>%n CPU core(s)</source>
        <translation>
            <numerusform>%n CPU core</numerusform>
            <numerusform>%n CPU cores</numerusform>
        </translation>
    </message>
</context>
</TS>
