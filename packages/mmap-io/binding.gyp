# mmap-io 1.1.7's binding.gyp with its `-std=c++11` removed (pybundle): node-gyp's
# common.gypi for the running Node already sets the C++ standard its headers need
# (gnu++17 for Node 20; newer Node versions raise it as their V8 needs); mmap-io's
# later -std=c++11 overrode it and broke the build on Node 20's V8 headers.
{
    "targets": [{
        "target_name": "mmap-io",
        "sources": [ "src/mmap-io.cc" ],
        "include_dirs": [
            "<!(node -e \"require('nan')\")"
        ],
        "conditions": [
            [ 'OS=="mac"',
                { "xcode_settings": {
                    'OTHER_CPLUSPLUSFLAGS' : ['-stdlib=libc++'],
                    'OTHER_LDFLAGS': ['-stdlib=libc++']
                }}
            ]
        ]
    }]
}
