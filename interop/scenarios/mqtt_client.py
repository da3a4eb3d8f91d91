# An MQTT 5 client with Debian's python3-paho-mqtt (run with /usr/bin/python3), driven by MqttOscInteropTest:
# connect with a will, subscribe qos/# at QoS 2, publish one QoS 1 retained and one QoS 2 message, print what
# arrives, then vanish without DISCONNECT (os._exit) so the router publishes the will.
# args: host port clientId expectedMessages
import json
import os
import sys
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

host, port, client_id, expected = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
lock = threading.Lock()
received = []
acked = set()


def out(obj):
    with lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def on_connect(client, userdata, flags, reason, properties):
    out({"event": "connack", "reason": int(reason.value) if hasattr(reason, "value") else int(reason),
         "sessionPresent": int(flags.get("session present", 0))})
    client.subscribe("qos/#", qos=2)


def on_subscribe(client, userdata, mid, reason_codes, properties):
    out({"event": "suback", "codes": [int(r.value) for r in reason_codes]})
    i1 = client.publish("qos/one", payload="1", qos=1, retain=True)
    i2 = client.publish("qos/two", payload="{\"n\":2}", qos=2, retain=False)
    out({"event": "published", "mids": [i1.mid, i2.mid]})


def on_publish(client, userdata, mid):
    acked.add(mid)
    out({"event": "acked", "mid": mid})


def on_message(client, userdata, message):
    out({"event": "message", "topic": message.topic, "payload": message.payload.decode("utf-8", "replace"),
         "qos": message.qos, "retain": bool(message.retain)})
    received.append(message.topic)
    if len(received) >= expected and len(acked) >= 2:
        finish()


def finish():
    out({"event": "done"})
    os._exit(0)  # no DISCONNECT: the will goes out


client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
client.will_set("status/" + client_id, payload="\"offline\"", qos=1, retain=True)
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_publish = on_publish
client.on_message = on_message
props = Properties(PacketTypes.CONNECT)
props.SessionExpiryInterval = 0
client.connect(host, port, keepalive=30, clean_start=True, properties=props)
threading.Timer(25.0, lambda: (out({"event": "error", "message": "watchdog"}), os._exit(1))).start()
client.loop_forever()
